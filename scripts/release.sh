#!/usr/bin/env bash
# Builds every Passcrow installer from one git commit into dist/ (what
# `make release` runs; docs/RELEASING.md says how to cut a release):
#
#   passcrow-VERSION-linux-amd64.tar.xz        fyne package -os linux: binary,
#                                              .desktop, icon, Makefile
#                                              (make user-install / sudo make install),
#                                              and the guides in share/doc/passcrow
#   passcrow_DEBVERSION_amd64.deb              the same tree under /usr, Depends
#                                              found by dpkg-shlibdeps
#   passcrow-VERSION-windows-amd64.exe         the app alone (mingw-w64 cgo
#                                              cross-build, GUI subsystem, icon and
#                                              version resources), signed
#   passcrow-VERSION-windows-amd64-setup.exe   the NSIS installer (per user or per
#                                              machine; the guides in docs\ beside
#                                              the app), it and its uninstaller signed
#   release.env                                version, commit, file version, tools
#   SHA256SUMS
#
# Usage: scripts/release.sh [--ref REF] [--only linux|windows]
#
# The source is `git archive REF` (default HEAD) unpacked in a temp
# directory: uncommitted changes are not in a release, and `fyne package`
# (which bumps Build in FyneApp.toml, writes fyne_metadata_init.go and
# fyne.syso, and deletes a binary named like the app) never touches the
# work tree.
#
# VERSION is FyneApp.toml's Version. When REF carries a tag vX.Y.Z it must
# be the same version; otherwise this is a development build and VERSION is
# X.Y.Z-dev.N+gCOMMIT (N commits since the last tag). The Windows version
# resource and Fyne's build number use the commit count of REF.
#
# Authenticode signing, from the environment (secrets never on argv):
#   PASSCROW_SIGN_PKCS12          certificate and key (.p12 / .pfx)
#   PASSCROW_SIGN_PASSWORD_FILE   a file holding its password
#   PASSCROW_SIGN_TIMESTAMP_URL   an RFC 3161 time-stamping server; without
#                                 it nothing is timestamped
# Without PASSCROW_SIGN_PKCS12 the Windows files are left unsigned and are
# named *-unsigned.exe, so they cannot be mistaken for a release.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The fyne command, pinned here and nowhere else. fyne.io/tools v1.7.3
# goes with fyne.io/fyne/v2 v2.7.x (our go.mod); v1.7.4 wants v2.8.1.
FYNE_TOOLS_VERSION=v1.7.3

ref=HEAD only=""
while (($#)); do
  case $1 in
    --ref) ref=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "release: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $only in "" | linux | windows) ;; *) echo "release: --only linux or windows" >&2; exit 2 ;; esac
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# sig_intact FILE: FILE carries an Authenticode signature whose digest
# matches the file (whether the certificate is trusted is not asked here:
# scripts/release-test.sh verifies against the certificate).
sig_intact() {
  local out
  out=$(osslsigncode verify -in "$1" 2>&1) || true
  grep -q '^Current message digest' <<<"$out" && ! grep -qi 'mismatch' <<<"$out"
}
say() { printf 'release: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
t0=$(date +%s)
took() { echo "$(($(date +%s) - $1)) s"; }

# --- what this machine needs (Debian's packages; installed when missing)
packages=(git xz-utils dpkg-dev imagemagick desktop-file-utils)
want windows && packages+=(gcc-mingw-w64-x86-64 nsis osslsigncode)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
convert=/usr/bin/convert # full path: a stand-in named convert may come first on PATH

# --- the fyne command, installed once per pinned version
tools=${XDG_CACHE_HOME:-$HOME/.cache}/passcrow-release/fyne-$FYNE_TOOLS_VERSION
fyne=$tools/fyne
if [ ! -x "$fyne" ]; then
  say "installing fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION into $tools"
  mkdir -p "$tools"
  GOBIN=$tools go install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
fi

# --- the commit, its version, its source
commit=$(git rev-parse --verify "$ref^{commit}") || die "no commit $ref"
short=${commit:0:10}
if [ "$ref" = HEAD ] && [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  say "note: the work tree has uncommitted changes; they are not in this build (it is of $short)"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/passcrow-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
export_src() { # export_src DIR: REF's files in DIR
  mkdir -p "$1"
  git archive --format=tar "$commit" | tar -x -C "$1"
}
export_src "$work/meta"
toml_version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' "$work/meta/FyneApp.toml" | head -1)
[[ $toml_version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "FyneApp.toml: Version $(printf %q "$toml_version") is not X.Y.Z"
build=$(git rev-list --count "$commit")
[ "$(git rev-parse --is-shallow-repository)" = true ] &&
  say "note: a shallow clone: the build number ($build commits) is too small; fetch the history for a release"

tags=$(git tag --points-at "$commit" --list 'v[0-9]*')
if [ -n "$tags" ]; then
  [ "$(echo "$tags" | wc -l)" -eq 1 ] || die "$short has several version tags: $(echo $tags)"
  [ "$tags" = "v$toml_version" ] || die "tag $tags is not FyneApp.toml's version $toml_version: make them agree"
  version=$toml_version
  deb_version=$toml_version
  kind=release
else
  if last=$(git describe --tags --match 'v[0-9]*' --abbrev=0 "$commit" 2>/dev/null); then
    n=$(git rev-list --count "$last..$commit")
    [ "$last" = "v$toml_version" ] && say "warning: $last is released and FyneApp.toml still says $toml_version: bump it (docs/RELEASING.md)"
  else
    n=$build
  fi
  version=$toml_version-dev.$n+g${commit:0:8}
  deb_version=$toml_version~dev.$n+g${commit:0:8} # ~ sorts before the release
  kind=development
fi
say "$kind build of $short: version $version (Windows file version $toml_version.$build)"

# The version and commit go into internal/version through the linker.
# fyne passes -ldflags found in GOFLAGS on to go build; each one must be a
# single word there, so one -ldflags= per -X.
pkg=github.com/passcrow/passcrow-desktop/internal/version
goflags="${GOFLAGS:-} -ldflags=-X=$pkg.version=$version -ldflags=-X=$pkg.commit=$commit"
# fyne package sets its own C flags (-release: -O3, hardening) and adds
# them to any in the environment: start from none (not scripts/env.sh's).
fyne_package() {
  env -u CGO_CFLAGS -u CGO_LDFLAGS -u CGO_CXXFLAGS CGO_ENABLED=1 GOFLAGS="$goflags" \
    "$fyne" package -release --app-version "$toml_version" --app-build "$build" "$@"
}

# The guides for users (packaging/user-docs.txt), as plain Markdown: the
# app's Help lists them from share/doc/passcrow beside its bin/, or docs/
# beside the executable on Windows, and the system's viewer opens them.
guides=$work/guides
mkdir -p "$guides"
while read -r g; do
  case $g in "" | "#"*) continue ;; esac
  [[ $g =~ ^[A-Za-z0-9._-]+\.md$ ]] || die "packaging/user-docs.txt: $(printf %q "$g") is not a file name in docs/"
  [ -f "$work/meta/docs/$g" ] || die "packaging/user-docs.txt names docs/$g, which $short does not have"
  install -m 0644 "$work/meta/docs/$g" "$guides/$g"
done <"$work/meta/packaging/user-docs.txt"
[ -n "$(ls "$guides")" ] || die "packaging/user-docs.txt names no guide"
say "guides: $(cd "$guides" && echo *)"

rm -rf dist
mkdir -p dist
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct "$commit")

# --- Linux: fyne's tar.xz, then a .deb from the same tree
if want linux; then
  t=$(date +%s)
  say "linux: fyne package -os linux (cold: Fyne's cgo compiles for a few minutes)"
  export_src "$work/linux"
  (cd "$work/linux" && fyne_package -os linux --exe passcrow)
  tarxz=dist/passcrow-$version-linux-amd64.tar.xz

  # fyne's tree gets the guides, and its Makefile installs and removes
  # them beside the binary's bin/: fyne's targets are renamed fyne-X
  # and ours (X: fyne-X, then the guides) are appended.
  tree=$work/linux-tree
  mkdir -p "$tree"
  tar -xJf "$work/linux/Passcrow.tar.xz" -C "$tree"
  [ -f "$tree/passcrow/Makefile" ] && [ -x "$tree/passcrow/usr/local/bin/passcrow" ] ||
    die "linux: fyne's tar.xz is not passcrow/{Makefile,usr/local/bin/passcrow}"
  usr=$tree/passcrow/usr/local
  mkdir -p "$usr/share/doc/passcrow"
  install -m 0644 "$guides"/* "$usr/share/doc/passcrow/"
  mk=$tree/passcrow/Makefile
  for target in install uninstall user-install user-uninstall; do
    [ "$(grep -c "^$target:" "$mk")" -eq 1 ] || die "linux: fyne's Makefile has no single $target: rule"
    sed -i "s/^$target:/fyne-$target:/" "$mk"
  done
  cat >>"$mk" <<'EOF2'

# The guides (Help ▸ Guides looks in ../share/doc/passcrow beside bin/),
# added by Passcrow's scripts/release.sh.
Guides := $(notdir $(wildcard usr/local/share/doc/passcrow/*))

install: fyne-install
	install -d -m 00755 $(DESTDIR)$(PREFIX)/share/doc/passcrow
	install -m 00644 $(addprefix usr/local/share/doc/passcrow/,$(Guides)) $(DESTDIR)$(PREFIX)/share/doc/passcrow/
uninstall: fyne-uninstall
	-rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/doc/passcrow/,$(Guides))
	-rmdir $(DESTDIR)$(PREFIX)/share/doc/passcrow

user-install: fyne-user-install
	install -d -m 00755 $(DESTDIR)$(HOME)/.local/share/doc/passcrow
	install -m 00644 $(addprefix usr/local/share/doc/passcrow/,$(Guides)) $(DESTDIR)$(HOME)/.local/share/doc/passcrow/
user-uninstall: fyne-user-uninstall
	-rm -f $(addprefix $(DESTDIR)$(HOME)/.local/share/doc/passcrow/,$(Guides))
	-rmdir $(DESTDIR)$(HOME)/.local/share/doc/passcrow
EOF2
  find "$tree" -type d -exec chmod 0755 {} +
  (cd "$tree" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - passcrow) |
    xz >"$tarxz"
  say "linux: $tarxz ($(took "$t"))"

  t=$(date +%s)
  deb=$work/deb
  install -D -m 0755 "$usr/bin/passcrow" "$deb/usr/bin/passcrow"
  desktop=$(cd "$usr/share/applications" && ls -- *.desktop)
  [ "$(echo "$desktop" | wc -l)" -eq 1 ] || die "linux: expected one .desktop file in the tar.xz, found: $desktop"
  install -D -m 0644 "$usr/share/applications/$desktop" "$deb/usr/share/applications/$desktop"
  desktop-file-validate "$deb/usr/share/applications/$desktop"
  icon_name=$(sed -n 's/^Icon=//p' "$deb/usr/share/applications/$desktop")
  # The icon theme at the sizes menus and docks ask for: crisp, not
  # scaled by each desktop from one 512-pixel picture.
  for s in 16 24 32 48 64 128 256 512; do
    d=$deb/usr/share/icons/hicolor/${s}x$s/apps
    mkdir -p "$d"
    "$convert" "$usr/share/pixmaps/$icon_name.png" -resize "${s}x$s" -strip "PNG32:$d/$icon_name.png"
  done
  mkdir -p "$deb/usr/share/doc/passcrow"
  # Plain, not gzipped as Debian does with long docs: the app's Help
  # opens them in the system's viewer, which shows Markdown, not .md.gz.
  install -m 0644 "$guides"/* "$deb/usr/share/doc/passcrow/"
  sed "s/@YEAR@/$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)/" "$work/meta/packaging/linux/copyright" >"$deb/usr/share/doc/passcrow/copyright"
  find "$deb" -type d -exec chmod 0755 {} +
  find "$deb/usr/share" -type f -exec chmod 0644 {} +

  # Depends: the packages that hold the libraries the binary links, with
  # the versions their symbols need (dpkg-shlibdeps reads the ELF NEEDED
  # entries and the shlibs/symbols files of the installed packages).
  mkdir -p "$work/shlibdeps/debian"
  printf 'Source: passcrow\n\nPackage: passcrow\nArchitecture: amd64\n' >"$work/shlibdeps/debian/control"
  depends=$(cd "$work/shlibdeps" && dpkg-shlibdeps -O -e"$deb/usr/bin/passcrow" 2>"$work/shlibdeps.log" |
    sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; die "linux: dpkg-shlibdeps failed"; }
  [ -n "$depends" ] || die "linux: dpkg-shlibdeps found no dependencies"
  say "linux: the binary links $(objdump -p "$deb/usr/bin/passcrow" | awk '/NEEDED/ {printf "%s ", $2}')"
  say "linux: Depends: $depends"

  mkdir -p "$deb/DEBIAN"
  sed -e "s/@VERSION@/$deb_version/" -e "s/@DEPENDS@/$depends/" \
    -e "s/@SIZE@/$(du -sk "$deb/usr" | cut -f1)/" "$work/meta/packaging/linux/control" >"$deb/DEBIAN/control"
  debfile=dist/passcrow_${deb_version}_amd64.deb
  dpkg-deb --root-owner-group -Zxz --build "$deb" "$debfile" >/dev/null
  say "linux: $debfile ($(took "$t"))"
fi

# --- Windows: the app cross-built with mingw-w64, signed; the NSIS installer
if want windows; then
  t=$(date +%s)
  signed=true suffix=""
  if [ -z "${PASSCROW_SIGN_PKCS12:-}" ]; then
    signed=false suffix=-unsigned
    say "windows: PASSCROW_SIGN_PKCS12 is not set: the .exe files are NOT signed (named *-unsigned.exe)"
  elif [ -z "${PASSCROW_SIGN_TIMESTAMP_URL:-}" ]; then
    say "windows: PASSCROW_SIGN_TIMESTAMP_URL is not set: signatures carry no timestamp (they fail when the certificate expires)"
  fi
  say "windows: fyne package -os windows with mingw-w64 (cold: ~10 minutes of cgo on 2 cores)"
  export_src "$work/windows"
  # An existing --exe makes fyne skip its first build: the only build is
  # then the one with the icon and version resources (fyne.syso), and it
  # still sees our -ldflags (fyne drops GOFLAGS after its first build).
  : >"$work/windows/passcrow.exe"
  (cd "$work/windows" && CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ GOOS=windows GOARCH=amd64 \
    fyne_package -os windows --exe passcrow.exe)
  app=$work/windows/Passcrow.exe
  [ -s "$app" ] || die "windows: fyne made no Passcrow.exe"
  say "windows: cross-built ($(took "$t"))"

  t=$(date +%s)
  sign=$work/meta/packaging/windows/sign.sh
  export PASSCROW_SIGN_COPIES=$work/signed # sign.sh keeps a copy of what it signed here
  mkdir -p "$PASSCROW_SIGN_COPIES"
  $signed && "$sign" "$app" app.exe
  cp "$app" "dist/passcrow-$version-windows-amd64$suffix.exe"

  "$convert" "$work/windows/Icon.png" -define icon:auto-resize=256,64,48,32,24,16 "$work/passcrow.ico"
  setup=dist/passcrow-$version-windows-amd64-setup$suffix.exe
  nsis_sign=()
  $signed && nsis_sign=(-DSIGN="$sign")
  makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DFILEVERSION="$toml_version.$build" \
    -DAPP_EXE="$app" -DGUIDES="$guides" -DICON="$work/passcrow.ico" -DOUTFILE="$root/$setup" "${nsis_sign[@]}" \
    "$work/meta/packaging/windows/passcrow.nsi"
  if $signed; then
    for f in app uninstall setup; do
      [ -f "$work/signed/$f.exe" ] || die "windows: $f.exe was not signed"
      sig_intact "$work/signed/$f.exe" || die "windows: $f.exe: the signature does not match the file"
    done
    # What users download must be what was signed.
    cmp -s "$work/signed/setup.exe" "$setup" || die "windows: the installer changed after it was signed"
  fi
  say "windows: $setup ($(took "$t"))"
fi

# What was built, for people and for scripts/release-test.sh.
cat >dist/release.env <<EOF2
version=$version
deb_version=$deb_version
file_version=$toml_version.$build
commit=$commit
fyne_tools=$FYNE_TOOLS_VERSION
go=$(go env GOVERSION)
EOF2
(cd dist && sha256sum -- * >SHA256SUMS)
say "done in $(took "$t0"): dist/"
ls -l dist >&2
