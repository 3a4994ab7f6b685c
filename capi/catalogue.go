package main

/*
#include "capi.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	"github.com/exmc/exmc/core/dist"
)

// catalogueJSON is the distribution catalogue as a C string, made on first
// use and kept for the life of the process.
var catalogueJSON = sync.OnceValue(func() *C.char { return C.CString(string(dist.JSON())) })

//export exmc_catalogue
func exmc_catalogue(out **C.exmc_cchar, err **C.char) C.int {
	return call("exmc_catalogue", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), unsafe.Pointer(catalogueJSON()))
		return codeOK, nil
	})
}
