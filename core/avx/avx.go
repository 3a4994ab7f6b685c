// Package avx says whether exmc's AVX2 kernels run (the slice kernels of
// core/fastmath, the products of core/matvec, Bernoulli(logit_p)'s loop in
// core/dist): on a processor with AVX2 and FMA, unless the environment
// variable EXMC_NO_AVX is set to anything but the empty string. The
// portable kernels then give a machine without AVX2's results to the bit,
// for draws reproducible across machines, and run at their usual speed
// under valgrind, which emulates AVX2 slowly.
package avx

import (
	"os"

	"golang.org/x/sys/cpu"
)

// OK is read once, when the process starts.
var OK = cpu.X86.HasAVX2 && cpu.X86.HasFMA && os.Getenv("EXMC_NO_AVX") == ""
