// Command capi is libexmc, exmc's C interface, built with
//
//	go build -buildmode=c-shared -o libexmc.so ./capi
//
// The public header is include/exmc.h, written by hand; the header cgo
// generates next to the library is not meant for users. Every exported
// function's signature is checked against include/exmc.h by the C compiler
// (see capi.h), and tests/c/check_symbols.sh checks that the two list the
// same functions.
//
// Rules every exported function keeps: it recovers its own panics (a panic
// must never unwind into C), it reports failures as a code and a message
// in C memory, it identifies objects by opaque tokens rather than
// pointers, and it never hands a Go pointer to C.
package main

// #cgo CFLAGS: -I${SRCDIR}/../include
import "C"

// main is never run: a c-shared library needs one all the same.
func main() {}
