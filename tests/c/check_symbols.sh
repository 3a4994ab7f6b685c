#!/usr/bin/env bash
# Fails unless the functions declared in include/exmc.h are exactly the
# exmc_* functions libexmc.so exports.
#
# usage: tests/c/check_symbols.sh path/to/libexmc.so [path/to/exmc.h]
#
# The compiler already rejects an exported function whose signature
# disagrees with its declaration (capi/capi.h); this catches the rest: a
# declaration with no implementation, or an export the header does not
# document.
set -euo pipefail

lib=${1:?usage: check_symbols.sh libexmc.so [exmc.h]}
header=${2:-$(dirname "$0")/../../include/exmc.h}
cc=${CC:-gcc}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The preprocessor drops comments and macros, leaving declarations; the
# function pointer typedef reads "(*exmc_logp_fn)(", which the pattern
# (a name directly followed by "(") does not match.
"$cc" -E -P -x c "$header" | tr '\n' ' ' |
    grep -oE '\bexmc_[A-Za-z0-9_]+[[:space:]]*\(' | sed -E 's/[[:space:]]*\($//' | sort -u >"$tmp/header"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWw]$/ && $3 ~ /^exmc_/ {print $3}' | sort -u >"$tmp/library"

if ! diff -u --label "declared in $(basename "$header")" --label "exported by $(basename "$lib")" \
    "$tmp/header" "$tmp/library"; then
    echo "check_symbols: the header and the library disagree (see the diff above)" >&2
    exit 1
fi
echo "check_symbols: $(wc -l <"$tmp/header") functions, header and library agree"
