/*
 * C helpers for the Go side of libexmc; not part of the public interface.
 *
 * Everything here is static inline: this header is included by the cgo
 * preamble of files that //export functions, and cgo copies those preambles
 * into more than one translation unit.
 */
#ifndef EXMC_CAPI_H
#define EXMC_CAPI_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exmc.h"

/*
 * cgo writes the prototype of an exported function from the Go parameter
 * types, and a Go type cannot say const. Naming the const-qualified types
 * here makes cgo's prototypes read exactly as exmc.h's, so the C compiler
 * rejects any drift between the Go signatures and the header.
 */
typedef const char exmc_cchar;
typedef const double exmc_cdouble;
typedef const exmc_model exmc_cmodel;
typedef const exmc_options exmc_coptions;
typedef const exmc_fit_options exmc_cfit_options;

/*
 * Go cannot call C function pointers; these do. The structures may come
 * from any producer, so each release is checked before it is called.
 */
static inline void exmc_capi_release_schema(struct ArrowSchema* s) {
  if (s != NULL && s->release != NULL) s->release(s);
}
static inline void exmc_capi_release_array(struct ArrowArray* a) {
  if (a != NULL && a->release != NULL) a->release(a);
}

/*
 * The user's log-density. ctx travels as an integer so that Go never holds
 * it in a pointer-typed variable: users pass small integers as contexts, and
 * the Go runtime rejects pointer values it cannot account for.
 */
static inline int exmc_capi_call_logp(exmc_logp_fn fn, size_t dim, const double* x, double* logp,
                                      double* grad, uintptr_t ctx) {
  return fn(dim, x, logp, grad, (void*)ctx);
}

/*
 * The version string, static data built from the header's macros, so that
 * exmc_version and EXMC_VERSION_* cannot disagree.
 */
#define EXMC_CAPI_STR(x) #x
#define EXMC_CAPI_XSTR(x) EXMC_CAPI_STR(x)
static inline const char* exmc_capi_version_string(void) {
  return EXMC_CAPI_XSTR(EXMC_VERSION_MAJOR) "." EXMC_CAPI_XSTR(EXMC_VERSION_MINOR) "." EXMC_CAPI_XSTR(
      EXMC_VERSION_PATCH);
}

#endif /* EXMC_CAPI_H */
