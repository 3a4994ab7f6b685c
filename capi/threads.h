/*
 * The library's pool of chain threads (threads.c); not part of the public
 * interface. Hidden: these names are not exported from libexmc.so.
 */
#ifndef EXMC_CAPI_THREADS_H
#define EXMC_CAPI_THREADS_H

#include <stdint.h>

#define EXMC_CAPI_HIDDEN __attribute__((visibility("hidden")))

/*
 * Runs job (a cgo handle, see threads.go) on an idle pool thread, or on a
 * new one, woken on one of the n CPUs in wake_on (any CPU when n is 0).
 * Once running, the thread takes back the affinity of the thread that
 * called this, so the CPU is a starting place, not a pin. Returns 0, or an
 * errno value when no thread could be had.
 */
EXMC_CAPI_HIDDEN int exmc_capi_thread_start(uintptr_t job, const int* wake_on, int n);

/*
 * Fills cpus with the CPUs the calling thread may run on, in increasing
 * order, up to cap of them, and returns how many there are (-1 when the
 * system will not say); *current is the CPU it is running on, or -1.
 */
EXMC_CAPI_HIDDEN int exmc_capi_cpus(int* cpus, int cap, int* current);

/* The pool's threads, and in *idle_now how many of them are idle. */
EXMC_CAPI_HIDDEN int exmc_capi_thread_count(int* idle_now);

#endif /* EXMC_CAPI_THREADS_H */
