# The two commands README.md starts with:
#   make run    builds and starts the app
#   make test   runs every check and test, as CI does
.PHONY: run test build bench
run:
	scripts/run.sh

test:
	scripts/deps.sh
	scripts/test.sh

build:
	. scripts/env.sh && go build -o passcrow .

bench:
	scripts/bench.sh
