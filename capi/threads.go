package main

/*
#include "threads.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/cgo"
	"sync"

	"github.com/exmc/exmc/core/sample"
)

// threads is how many chains a run samples at once unless its options
// say (exmc_set_threads). The Go runtime gets one processor more: a chain
// thread entering Go from C needs an idle one, and the host thread that
// started the run keeps its own for a while after it returns to C.
var threads struct {
	mu sync.Mutex
	n  int
}

// maxThreads bounds exmc_set_threads and exmc_options.cores
// (EXMC_MAX_THREADS in exmc.h; the cores option's range in sample.Schema).
// Each thread costs the Go runtime a processor's state (GOMAXPROCS), tens
// of kilobytes, and a run an operating system thread: a hundred thousand
// took 2.2 GB and hung, INT_MAX aborted the process. 1024 is more than any
// machine exmc runs on has cores.
const maxThreads = sample.MaxCores

func init() {
	setThreads(min(runtime.GOMAXPROCS(0), maxThreads))
}

func setThreads(n int) {
	threads.mu.Lock()
	defer threads.mu.Unlock()
	threads.n = n
	runtime.GOMAXPROCS(n + 1)
}

func defaultCores() int {
	threads.mu.Lock()
	defer threads.mu.Unlock()
	return threads.n
}

// onLibraryThreads gives a run the library's default for cores (0: its
// threads) and has its workers run on the pool.
func onLibraryThreads(o sample.Options) sample.Options {
	if o.Cores <= 0 {
		o.Cores = defaultCores()
	}
	o.Threads = chainThreads(min(o.Cores, o.Chains))
	return o
}

// chainThreads returns a run's thread starter: its n workers run on the
// library's pool threads (threads.c), each woken on its own group of the
// CPUs the caller may use (wakeGroups). A thread that cannot be had is
// replaced by a goroutine.
func chainThreads(n int) sample.ThreadStarter {
	cpus, current := callerCPUs()
	groups := wakeGroups(n, cpus, current)
	k := 0
	return func(work func()) {
		var wake []C.int
		if len(groups) > 0 {
			for _, c := range groups[k%len(groups)] {
				wake = append(wake, C.int(c))
			}
		}
		k++
		var first *C.int
		if len(wake) > 0 {
			first = &wake[0]
		}
		job := cgo.NewHandle(work)
		if C.exmc_capi_thread_start(C.uintptr_t(job), first, C.int(len(wake))) != 0 {
			job.Delete()
			go work()
		}
	}
}

// callerCPUs returns the CPUs the calling thread may run on, in increasing
// order (nil when the system will not say), and the one it is on (-1 when
// unknown).
func callerCPUs() (cpus []int, current int) {
	buf := make([]C.int, 1024)
	var cur C.int
	n := int(C.exmc_capi_cpus(&buf[0], C.int(len(buf)), &cur))
	for _, c := range buf[:max(0, min(n, len(buf)))] {
		cpus = append(cpus, int(c))
	}
	return cpus, int(cur)
}

// wakeGroups splits cpus, those the caller may use, into n groups of
// neighbours in order from the CPU after current round to current: the
// workers wake away from the caller, and on its CPU only when every CPU
// gets a worker (the caller is then about to leave it, to wait for the run
// or for the Python loop that polls it). With more workers than CPUs the
// groups are the CPUs one by one, for the workers to take in turn. Nil
// for a single CPU.
func wakeGroups(n int, cpus []int, current int) [][]int {
	if len(cpus) <= 1 || n < 1 {
		return nil
	}
	start := 0
	for i, c := range cpus {
		if c == current {
			start = i + 1
		}
	}
	order := append(append([]int(nil), cpus[start:]...), cpus[:start]...)
	if start > 0 && n < len(order) {
		order = order[:len(order)-1]
	}
	n = min(n, len(order))
	groups := make([][]int, n)
	for i := range n {
		groups[i] = order[i*len(order)/n : (i+1)*len(order)/n]
	}
	return groups
}

// poolThreads returns how many threads the pool has and how many are idle.
func poolThreads() (total, idle int) {
	var n C.int
	total = int(C.exmc_capi_thread_count(&n))
	return total, int(n)
}

//export exmcCapiRunThreadJob
func exmcCapiRunThreadJob(job C.uintptr_t) {
	// A panic must not unwind into C. A run's work recovers its own, so one
	// here is the library's bug: reported, and the thread lives on.
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "exmc: a chain thread's job panicked: %v\n", v)
		}
	}()
	h := cgo.Handle(job)
	work := h.Value().(func())
	h.Delete()
	work()
}
