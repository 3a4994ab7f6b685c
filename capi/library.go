package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/exmc/exmc/core/limits"
)

//export exmc_version
func exmc_version() *C.exmc_cchar {
	return C.exmc_capi_version_string()
}

//export exmc_free_error
func exmc_free_error(err *C.char) {
	guard(func() { C.free(unsafe.Pointer(err)) })
}

//export exmc_free_string
func exmc_free_string(s *C.char) {
	guard(func() { C.free(unsafe.Pointer(s)) })
}

//export exmc_set_threads
func exmc_set_threads(threads C.int, err **C.char) C.int {
	return call("exmc_set_threads", err, func() (int, error) {
		if threads < 1 || threads > maxThreads {
			return 0, errorf(codeInvalid, "threads must be in [1, %d] (EXMC_MAX_THREADS), got %d", maxThreads, int(threads))
		}
		setThreads(int(threads))
		return codeOK, nil
	})
}

//export exmc_set_memory_limit
func exmc_set_memory_limit(bytes C.uint64_t, err **C.char) C.int {
	return call("exmc_set_memory_limit", err, func() (int, error) {
		limits.SetMemoryLimit(uint64(bytes))
		return codeOK, nil
	})
}
