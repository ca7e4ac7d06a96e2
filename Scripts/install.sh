#!/usr/bin/env bash
# Builds hematovision (release) and installs it under PREFIX (default /usr/local):
#   PREFIX/bin/hematovision                              the binary; the model and the themes are compiled in
#   PREFIX/share/man/man1/hematovision.1                 the manual (swift-argument-parser's generate-manual)
#   PREFIX/share/bash-completion/completions/hematovision
#   PREFIX/share/zsh/site-functions/_hematovision
#   PREFIX/share/fish/vendor_completions.d/hematovision.fish
# Usage: Scripts/install.sh [PREFIX]    (DESTDIR=/tmp/pkg stages the same tree under /tmp/pkg, for packaging)
# Needs the Debian packages of .ci/install-deps and Swift 6; run it from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-${PREFIX:-/usr/local}}
case "$prefix" in /*) ;; *) echo "install.sh: PREFIX must be an absolute path, not $prefix" >&2; exit 2 ;; esac
root="${DESTDIR:-}$prefix"

install -d "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"

# The Swift runtime linked in, so the binary outlives the toolchain it was built with (Swift has no
# stable ABI on Linux); the model and the themes are compiled in already.
swift build -c release --static-swift-stdlib --product hematovision
install -m 755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/hematovision" "$root/bin/hematovision"

# The manual comes from the commands' own definitions: swift-argument-parser's plugin builds the package
# and runs the binary's --experimental-dump-help. It builds in debug mode on purpose: a release build
# without --static-swift-stdlib would recompile everything above, and the help text is the same.
# Dated by the last commit, so that reinstalling the same source gives the same page.
rm -rf .build/plugins/GenerateManual/outputs
swift package generate-manual --configuration debug \
    --date "$(git log -1 --format=%cs 2>/dev/null || date -u +%Y-%m-%d)" >/dev/null
manual=$(find .build/plugins/GenerateManual/outputs -name hematovision.1 -print -quit)
[ -n "$manual" ] || { echo "install.sh: generate-manual wrote no hematovision.1" >&2; exit 1; }
# mdoc wants .Pp, not a blank line, between paragraphs (man warns "Empty input line" otherwise).
# The examples --help shows move to an EXAMPLES section of literal blocks (filled, man re-wrapped them),
# hyphenation is off (it split "re-view"), and the sections generate-manual cannot write (KEYS,
# ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES) come from the installed binary, in place of its empty
# EXIT STATUS.
{
    awk '
        /^Examples:$/ { skipping = 1; next }
        skipping && /^  / { next }
        { skipping = 0 }
        /^\.Sh "EXIT STATUS"$/ { next }
        { print }
        /^\.Os/ { print ".nh"; print ".nr doc-hyphen-flags 0" }  # groff mdoc turns hyphenation on again without the second
    ' "$manual" | sed 's/^$/.Pp/'
    "$root/bin/hematovision" --manual-sections
} > "$root/share/man/man1/hematovision.1"
chmod 644 "$root/share/man/man1/hematovision.1"

# Each completion script is written by the installed binary, so it matches exactly what was installed.
"$root/bin/hematovision" --generate-completion-script bash > "$root/share/bash-completion/completions/hematovision"
"$root/bin/hematovision" --generate-completion-script zsh > "$root/share/zsh/site-functions/_hematovision"
"$root/bin/hematovision" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/hematovision.fish"
chmod 644 "$root/share/bash-completion/completions/hematovision" "$root/share/zsh/site-functions/_hematovision" \
    "$root/share/fish/vendor_completions.d/hematovision.fish"

echo "installed under $root:"
echo "  bin/hematovision ($("$root/bin/hematovision" --version | head -1))"
echo "  share/man/man1/hematovision.1"
echo "  share/bash-completion/completions/hematovision, share/zsh/site-functions/_hematovision,"
echo "  share/fish/vendor_completions.d/hematovision.fish"
