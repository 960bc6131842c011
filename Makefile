# The two commands README.md starts with:
#   make run    builds and starts the app
#   make test   runs every check and test, as CI does
.PHONY: run test build bench release release-test
run:
	scripts/run.sh

test:
	scripts/deps.sh
	scripts/test.sh

build:
	. scripts/env.sh && go build -o passcrow .

bench:
	scripts/bench.sh

# Installers into dist/ (scripts/release.sh; docs/RELEASING.md). Not part
# of `make test`: the Linux and Windows release builds take ~15 minutes cold.
release:
	scripts/release.sh

# Builds them signed with a throwaway certificate and installs each as a
# user would (scripts/release-test.sh); .ci/run runs it when packaging changed.
release-test:
	scripts/release-test.sh
