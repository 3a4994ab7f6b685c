#!/usr/bin/env bash
# The C side of libexmc's tests: the C test program, the header on its own
# (C99 and C++11), the symbol check, both examples, and leak checks under
# valgrind: of the C example (with a check that a missing release is
# caught) and of the C test program.
#
# usage: tests/c/run.sh [path/to/libexmc.so]
#
# Without an argument the library is built here with GOEXPERIMENT=cgocheck2,
# so that a breach of the cgo pointer rules at the boundary crashes a test.
# The Makefile's test-c target passes the library it built the same way.
# Environment: GO (go binary), CC, CXX.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/c
cc=${CC:-gcc}
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
    lib=$(realpath "$1")
else
    echo "== building libexmc.so with GOEXPERIMENT=cgocheck2"
    mkdir -p "$work/lib"
    if ! (cd "$root" && GOEXPERIMENT=cgocheck2 "${GO:-go}" build -buildmode=c-shared -o "$work/lib/libexmc.so" ./capi); then
        echo "tests/c: the library did not build"
        exit 1
    fi
    lib=$work/lib/libexmc.so
fi
libdir=$(dirname "$lib")
link=(-L"$libdir" -l:"$(basename "$lib")" -Wl,-rpath,"$libdir")

passed=0
failed=0
step() {
    local name=$1
    shift
    echo "== $name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "-- ok ($((SECONDS - start)) s)"
    else
        echo "FAILED: $name ($((SECONDS - start)) s)"
        failed=$((failed + 1))
    fi
}

# Valgrind does not understand the Go runtime's stacks; go-runtime.supp
# silences what it reports inside libexmc only (see the file), so errors
# and leaks of the C program itself still fail the run. It emulates AVX2
# thirty times slower than the rest: the library runs its portable
# kernels there (EXMC_NO_AVX, see core/avx), which the Go tests cover
# alike. Valgrind runs one thread at a time; with its default lock a
# thread polling a run could hold it while the chains waited, and the C
# tests took 3-10 minutes instead of 20 s: --fair-sched=yes hands it over
# in turn.
memcheck() {
    EXMC_NO_AVX=1 valgrind -q --fair-sched=yes --leak-check=full --error-exitcode=1 --suppressions="$here/go-runtime.supp" "$@"
}

header_c99() {
    printf '#include "exmc.h"\nint main(void) { return exmc_version() == 0; }\n' >"$work/h.c"
    "$cc" -std=c99 -Wall -Wextra -pedantic -Werror -I"$root/include" "$work/h.c" "${link[@]}" -o "$work/h"
}

header_cxx11() {
    printf '#include "exmc.h"\nint main() { return exmc_version() == nullptr; }\n' >"$work/h.cpp"
    "$cxx" -std=c++11 -Wall -Wextra -pedantic -Werror -I"$root/include" "$work/h.cpp" "${link[@]}" -o "$work/hpp"
}

c_test() {
    "$cc" -std=c11 -Wall -Wextra -Werror -O1 -g -I"$root/include" "$here/test_capi.c" "${link[@]}" \
        -lm -lpthread -o "$work/test_capi" &&
        timeout 300 "$work/test_capi"
}

example_c() {
    "$cc" -std=c11 -Wall -Wextra -Werror -O2 -g -I"$root/include" "$root/examples/eight_schools.c" "${link[@]}" \
        -lm -o "$work/eight_schools" &&
        timeout 120 "$work/eight_schools"
}

example_cpp() {
    "$cxx" -std=c++17 -Wall -Wextra -Werror -O2 -I"$root/include" "$root/examples/eight_schools.cpp" "${link[@]}" \
        -o "$work/eight_schools_cpp" &&
        timeout 120 "$work/eight_schools_cpp"
}

# The C tests under valgrind: every error message, Arrow structure and
# failed call must leave nothing behind, and no access may be invalid. Only
# definite leaks count here: glibc keeps the stacks of the test's own joined
# threads for reuse, which memcheck calls possibly lost. Definedness is not
# checked: memcheck cannot follow Go's stacks, so values the Go runtime
# computed and the test then compares (draws with memcmp) are sometimes
# taken for uninitialised, and whether they are changes from run to run.
c_test_memcheck() {
    memcheck --errors-for-leak-kinds=definite --undef-value-errors=no "$work/test_capi" >"$work/test_capi.memcheck" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || cat "$work/test_capi.memcheck"
    return $rc
}

leak_check() {
    memcheck "$work/eight_schools" >"$work/memcheck.out" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || cat "$work/memcheck.out"
    return $rc
}

# Each mutant of the example drops one release, of an Arrow batch or of an
# error message; memcheck must fail on it, or the leak check above proves
# nothing. The mutants run side by side: valgrind runs a program on one
# core.
leak_check_catches_leaks() {
    local line pids=() names=() i=0 ok=0
    for line in '  batch.release(&batch);' '  exmc_free_error(err);'; do
        i=$((i + 1))
        if ! grep -qxF "$line" "$root/examples/eight_schools.c"; then
            echo "the example has no line '$line' to remove"
            return 1
        fi
        grep -vxF "$line" "$root/examples/eight_schools.c" >"$work/mutant$i.c"
        "$cc" -std=c11 -O2 -g -I"$root/include" "$work/mutant$i.c" "${link[@]}" -lm -o "$work/mutant$i" || return 1
        memcheck "$work/mutant$i" >"$work/mutant$i.out" 2>&1 &
        pids+=($!)
        names+=("$line")
    done
    for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then
            echo "memcheck missed the leak left by removing '${names[$i]}'"
            ok=1
        fi
    done
    return $ok
}

step "C tests (test_capi.c)" c_test
step "header alone, C99" header_c99
step "header alone, C++11" header_cxx11
step "symbols: include/exmc.h vs $(basename "$lib")" "$here/check_symbols.sh" "$lib" "$root/include/exmc.h"
step "example: eight_schools.c" example_c
step "example: eight_schools.cpp" example_cpp
if command -v valgrind >/dev/null; then
    step "leak check: eight_schools.c under valgrind" leak_check
    step "leak check catches a missing release" leak_check_catches_leaks
    step "C tests under valgrind" c_test_memcheck
else
    echo "== leak check: valgrind is not installed"
    failed=$((failed + 1))
fi

echo "tests/c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
