# Sourced by the scripts: one set of cgo flags for every build and test, the
# same that `fyne package` uses, so Fyne's slow cgo compile is done once and
# shared by builds, tests and packaging.
export CGO_ENABLED=1
export CGO_CFLAGS="-O2 -g -fexceptions -fasynchronous-unwind-tables -pipe -D_FORTIFY_SOURCE=3 -fcf-protection -fstack-protector-strong"
export CGO_LDFLAGS="-Wl,-z,relro,-z,now -Wl,--as-needed"
