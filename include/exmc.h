/*
 * exmc.h: the C interface of libexmc, exmc's Bayesian sampler.
 *
 * A model is compiled once into a log-density with its gradient; NUTS chains
 * run in parallel threads inside the library; draws come out as Arrow record
 * batches (the Arrow C data interface).
 *
 * Conventions
 * - Every fallible function returns EXMC_OK (0) or a negative error code and,
 *   on error, stores a message in *err (when err is not NULL). The message is
 *   allocated by the library; free it with exmc_free_error. On success *err
 *   is set to NULL.
 * - A few functions also return positive status codes (EXMC_TIMEOUT,
 *   EXMC_DONE); these are not errors and set *err to NULL.
 * - On error, outputs are left empty: handles and strings NULL, Arrow
 *   structures zeroed (their release is NULL, so there is nothing to
 *   release). The exceptions, EXMC_ERR_CHAINS and EXMC_ERR_CANCELLED from
 *   the sampling functions, are stated where they apply.
 * - A NULL pointer where a value is required, or a length that does not
 *   match, is EXMC_ERR_INVALID with a message naming the argument.
 * - Handles (exmc_model*, exmc_run*) are opaque tokens, not pointers into the
 *   library's memory. A NULL, freed or forged handle is reported as
 *   EXMC_ERR_HANDLE, never a crash.
 * - Memory the library hands out (error messages, strings, Arrow buffers) is
 *   C memory. Arrow structures are released by their consumer through their
 *   release callbacks, as the Arrow C data interface specifies.
 * - Load the library once per process and do not fork() after loading it: it
 *   runs its own threads (the Go runtime).
 * - Every size a call asks for is checked before anything is allocated for
 *   it, since running out of memory would end the process: an array of a
 *   model may have at most 2^31 - 1 elements (a shape whose product
 *   overflows is refused too), and compiling a model, sampling it or
 *   listing its names is refused, with an error naming the bytes it needs
 *   and the bytes available, when it needs more than the memory limit.
 *   The limit is the machine's available memory (or the room left under the
 *   process's cgroup limit), read at each call; EXMC_MEMORY_LIMIT in the
 *   environment when the library is loaded (a number of bytes, optionally
 *   followed by K, M, G or T, powers of 1024), or exmc_set_memory_limit,
 *   replaces it: lower, to keep exmc within a share of the machine, or
 *   higher, to insist on a request the check refuses (which may then end
 *   the process if the machine cannot back it). The estimates are
 *   deliberately generous.
 *
 * Thread safety is stated for each function.
 */
#ifndef EXMC_H
#define EXMC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXMC_VERSION_MAJOR 0
#define EXMC_VERSION_MINOR 1
#define EXMC_VERSION_PATCH 0

/* Return codes. */
#define EXMC_OK 0
#define EXMC_TIMEOUT 1          /* nothing happened before the timeout */
#define EXMC_DONE 2             /* a run has finished and every batch was taken */
#define EXMC_ERR_INVALID -1     /* a bad argument: NULL pointer, wrong length, bad option */
#define EXMC_ERR_MODEL -2       /* the model is invalid or failed to compile */
#define EXMC_ERR_HANDLE -3      /* a NULL, freed or unknown handle */
#define EXMC_ERR_NUMERIC -4     /* the log-density could not be evaluated */
#define EXMC_ERR_CHAINS -5      /* one or more chains failed (see exmc_run_chain_error) */
#define EXMC_ERR_CANCELLED -6   /* the run was cancelled before it finished */
#define EXMC_ERR_INTERNAL -7    /* a bug in exmc; the message says where */

/* ---- Arrow C data interface (as published by Apache Arrow) ------------- */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/* ---- Library ----------------------------------------------------------- */

/* The library's version, "MAJOR.MINOR.PATCH". A static string: do not free.
   Thread-safe. */
const char* exmc_version(void);

/* The catalogue of distributions as JSON, in *out: a static string, do not
   free it. {"version": 1, "distributions": [{"name", "pymc" (PyMC's class),
   "doc", "discrete" (observed only), "layout" ("elementwise",
   "along_last_axis" or "components"), "params": [{"name", "domain", "doc",
   "default" (null: required)}] in PyMC's positional order, "variants":
   [{"params", "required", "support", "transform"}] (the parameter sets
   accepted), "aliases": [{"name", "param", "power"}] (param = value^power,
   as Normal's tau for sigma), "options" (further keyword options of the
   Python API)}]}. exmc's Python classes, its PyMC translator and the model
   format's documentation are made from it. Thread-safe. */
int exmc_catalogue(const char** out, char** err);

/* Frees an error message returned through char** err. NULL is allowed.
   Thread-safe. */
void exmc_free_error(char* err);

/* Frees a string returned by the library (exmc_model_info). NULL is allowed.
   Thread-safe. */
void exmc_free_string(char* s);

/* The most threads exmc_set_threads and exmc_options.cores accept: each
   costs the Go runtime a processor's state and a run an operating system
   thread. */
#define EXMC_MAX_THREADS 1024

/* Sets how many chains a run samples at once by default, in [1,
   EXMC_MAX_THREADS]: runs started afterwards with exmc_options.cores == 0
   use it. The default is the number of cores the process may use (or
   GOMAXPROCS from the environment), at most EXMC_MAX_THREADS. Chains run on the library's own threads, kept between
   runs and named "exmc chain"; the Go runtime gets threads + 1 processors
   (GOMAXPROCS), the one more for the calls of the host's threads while
   chains run. Thread-safe. */
int exmc_set_threads(int threads, char** err);

/* Sets the memory limit, in bytes, that requests are checked against (see
   the conventions above) in place of the machine's available memory and of
   EXMC_MEMORY_LIMIT; 0 goes back to those. Thread-safe. */
int exmc_set_memory_limit(uint64_t bytes, char** err);

/* ---- Models ------------------------------------------------------------ */

typedef struct exmc_model exmc_model;

/* Compiles a model from its JSON form (docs/model-format.md), with any data
   inline. json need not be NUL-terminated; len is its length in bytes.
   On success *out holds a new model; free it with exmc_model_free.
   A document that cannot be read, or a model that is invalid, is
   EXMC_ERR_MODEL; errors name the offending node. Refused among others:
   an array of more than 2^31 - 1 elements, a model needing more memory
   to compile than the limit (see the conventions), a deterministic or
   observed value of no elements, constant bounds with lower >= upper.
   A len whose document would not fit in the memory limit to read (eight
   bytes a byte) is EXMC_ERR_INVALID, before the document is read.
   Names may hold any printable text, spaces, dots and brackets included,
   and may be those of the draws' statistics or index ("lp", "chain": in
   the draws the variables have a struct column of their own, see
   exmc_sample), but no comma (it separates exmc_model_param_names'
   list) and no control character; a name may not be exactly another
   variable's element name ("x[1]" beside a vector x, "sigma_log__"
   beside a log-transformed sigma). Thread-safe. */
int exmc_model_from_json(const char* json, size_t len, exmc_model** out, char** err);

/* As exmc_model_from_json, with the values of data nodes left out of the
   JSON supplied as Arrow arrays. Arrays of different sizes cannot be columns
   of one record batch, so data is a struct array of length 1 whose fields
   are named for the data nodes; each field is a fixed_size_list (or list,
   or large_list) of float64 or int64 whose single element holds the node's
   values, flattened row-major. When every node has the same number of
   values, plain float64 or int64 fields of that length are accepted too.
   No nulls. The library takes ownership of *data (moves it, leaving
   data->release NULL) and of *schema's contents (releasing them through
   schema->release alone: children are the parent's to release), whether
   or not the call succeeds. float64 values are read in place, not copied:
   the data is released once the model and every run that uses it are
   freed. int64 values are converted. Either pointer may be NULL when there
   is no data, but not only one of them. Thread-safe. */
int exmc_model_from_json_arrow(const char* json, size_t len, struct ArrowSchema* schema,
                               struct ArrowArray* data, exmc_model** out, char** err);

/* A log-density written by the user: writes log p(x) into *logp and, when
   grad is not NULL, its gradient (dim values) into grad. Returns 0 on
   success; a positive value when the point is invalid (the sampler treats it
   as a divergence and moves on); a negative value to stop the chain with an
   error. Before each call *logp and, when grad is not NULL, every entry of
   grad are set to a NaN: returning 0 without writing all of them makes the
   point invalid (a divergence, as a positive return), never a use of an
   earlier call's values, and exmc_log_density_gradient reports which
   value was missing. It is called from several threads at once when the
   model is sampled with more than one thread: it must be thread-safe, or
   sample with one thread (exmc_set_threads(1)). */
typedef int (*exmc_logp_fn)(size_t dim, const double* x, double* logp, double* grad, void* ctx);

/* Wraps a user's log-density as a model of dimension dim (at least 1),
   sampled by the same NUTS. names is NULL or a comma-separated list of dim
   distinct parameter names (default "x[0],x[1],..."). The draws report the
   coordinates as they are (exmc_constrain is the identity), one field of
   the posterior column per name, except that a run of names "b[0]",
   "b[1]", ... forms one array field "b": the default names give one field
   "x". Names may be those of the statistics and index columns ("lp",
   "chain"). A dimension whose
   names and buffers would not fit in the memory limit is EXMC_ERR_INVALID.
   ctx is passed to fn
   unchanged and must stay valid until the model and its runs are freed.
   exmc_log_density_gradient returns EXMC_ERR_NUMERIC when fn returns
   non-zero. Thread-safe. */
int exmc_model_from_function(size_t dim, exmc_logp_fn fn, void* ctx, const char* names,
                             exmc_model** out, char** err);

/* Frees a model. Runs that use it keep it alive until they are freed.
   NULL, or a handle already freed, is ignored. Thread-safe. */
void exmc_model_free(exmc_model* model);

/* The number of unconstrained parameters. Thread-safe. */
int exmc_model_dim(const exmc_model* model, size_t* dim, char** err);

/* The number of values exmc_constrain writes (free variables on their
   constrained scale and deterministics, flattened). Thread-safe. */
int exmc_model_constrained_size(const exmc_model* model, size_t* size, char** err);

/* Comma-separated names of the unconstrained parameters ("mu,tau_log__,
   theta__z[0],...") or, with constrained != 0, of the values exmc_constrain
   writes ("mu,tau,theta[0],..."); elements of a matrix are named
   "beta[0,1]". The string is owned by the model and valid until the model
   is freed. It is made on the first call (a name for every element), and
   refused with EXMC_ERR_INVALID when it would not fit in the memory limit.
   Thread-safe. */
int exmc_model_param_names(const exmc_model* model, int constrained, const char** names, char** err);

/* A JSON description of the model, an object with the keys "dim",
   "params", "vars", "observed", "coords", "noncentered" and
   "kept_centered": the dimension,
   the unconstrained blocks (name, value_name, offset, size, shape,
   transform, and "aux", the variable a non-centring block stands for, when
   it is one), the reported variables (name, kind, shape, dims, offset,
   size, located in what exmc_constrain writes), the observed variables
   (likewise, located in the log-likelihood columns), the coords (dimension
   name -> labels), the nodes the non-centring rewrote, and the nodes it
   left as written because their data inform them (name -> the estimated
   share of the posterior precision that comes from the data). Lists and
   objects are never null. Free the string with exmc_free_string. Thread-safe. */
int exmc_model_info(const exmc_model* model, char** json, char** err);

/* The log-density at the unconstrained point x (n == dim values) into
   *logp and, when grad is not NULL, its gradient into grad (dim values).
   A non-finite log-density is returned as it is, not as an error; a
   function model whose fn returns non-zero gives EXMC_ERR_NUMERIC.
   Thread-safe: any number of threads may call it at once. */
int exmc_log_density_gradient(const exmc_model* model, const double* x, size_t n, double* logp,
                              double* grad, char** err);

/* Maps the unconstrained point x (n == dim values) to the reported values
   (out_len == exmc_model_constrained_size values). Thread-safe. */
int exmc_constrain(const exmc_model* model, const double* x, size_t n, double* out, size_t out_len,
                   char** err);

/* ---- Sampling ---------------------------------------------------------- */

/* NUTS options. Always initialise with exmc_options_default, then change
   fields; size lets later versions add fields compatibly. A field's
   default closes its comment, in parentheses; exmc_options_schema gives
   every field's range, and exmc_options_check checks them. */
typedef struct exmc_options {
  uint32_t size;            /* sizeof(exmc_options), set by exmc_options_default */
  int64_t draws;            /* kept draws per chain (1000) */
  int64_t tune;             /* warmup iterations per chain (1000) */
  int64_t chains;           /* number of chains (4) */
  int64_t cores;            /* chains run at once, at most EXMC_MAX_THREADS; 0: the library's threads (0) */
  uint64_t seed;            /* random seed; every value is one (0) */
  double target_accept;     /* dual-averaging target, in (0, 1) (0.8) */
  int64_t max_treedepth;    /* maximum tree depth, in [1, 30] (10) */
  double max_energy_error;  /* energy error counted as divergent (1000) */
  int32_t dense_mass;       /* 1: adapt a dense mass matrix (0) */
  int32_t save_warmup;      /* 1: keep the warmup draws in the results (0) */
  int32_t log_likelihood;   /* 1: add pointwise log-likelihood columns (0) */
  double init_jitter;       /* initial points: uniform(-j, j) in unconstrained space (2) */
  const double* init;       /* NULL, or chains x dim unconstrained initial points (copied) */
  int64_t batch_size;       /* draws per streamed batch (50) */
  int64_t first_chain;      /* number of the first chain (0); see below */
  int32_t metric;           /* diagonal mass matrix estimator, EXMC_METRIC_* (EXMC_METRIC_GRADIENT) */
  int32_t schedule;         /* warmup schedule, EXMC_SCHEDULE_* (EXMC_SCHEDULE_ONLINE) */
  int32_t criterion;        /* U-turn test, EXMC_CRITERION_* (EXMC_CRITERION_DISPLACEMENT) */
} exmc_options;

/* exmc_options.metric: how warmup estimates the inverse mass matrix when
   dense_mass = 0 (dense_mass = 1 estimates the covariance instead).
   EXMC_METRIC_GRADIENT: sqrt(var(draws) / var(gradients)) per coordinate,
     nutpie's estimator; the default, as it gives more effective draws per
     gradient on exmc's benchmark models.
   EXMC_METRIC_VARIANCE: the regularised variance of the draws, Stan's.
   EXMC_METRIC_LOW_RANK: EXMC_METRIC_GRADIENT's diagonal corrected in the
     few directions of strongest correlation (at most 16), nutpie's
     low-rank mass matrix. */
#define EXMC_METRIC_GRADIENT 0
#define EXMC_METRIC_VARIANCE 1
#define EXMC_METRIC_LOW_RANK 2

/* exmc_options.schedule: when warmup updates a diagonal metric (a dense one
   always follows EXMC_SCHEDULE_WINDOWED).
   EXMC_SCHEDULE_ONLINE: after every draw, from two alternating running
     estimators, the step size dual-averaged throughout, the last 15% of
     warmup with the metric frozen: nutpie's schedule, and the default, as
     it gives more effective draws per gradient on exmc's benchmark models.
   EXMC_SCHEDULE_WINDOWED: at the end of doubling windows, the step size
     restarted after each: Stan's and PyMC's schedule. */
#define EXMC_SCHEDULE_ONLINE 0
#define EXMC_SCHEDULE_WINDOWED 1

/* exmc_options.criterion: when a trajectory has turned back.
   EXMC_CRITERION_DISPLACEMENT: when the displacement between a span's ends
     points against the momentum at either end (nutpie's test); the
     default, as it stops sooner in many dimensions (sv: 56 gradients per
     draw instead of 80) for the same effective draws.
   EXMC_CRITERION_MOMENTUM_SUM: when the span's summed momentum points
     against the velocity at either end (Stan's and PyMC's test). */
#define EXMC_CRITERION_DISPLACEMENT 0
#define EXMC_CRITERION_MOMENTUM_SUM 1

/* Chains are numbered first_chain, ..., first_chain + chains - 1; the
   numbers appear in the chain column of the draws, in exmc_progress.chain
   and in error messages. A chain's random stream depends on the seed and
   its number only, so a run with first_chain = k and chains = 1 makes
   exactly the draws of chain k of a run of more chains with the same seed
   and other options: chains can be spread over processes or machines and
   put together afterwards. init, when given, holds one point per chain of
   this run, the first for chain first_chain. */

/* Fills o with the defaults above. NULL is ignored. Thread-safe. */
void exmc_options_default(exmc_options* o);

/* Checks the options that need no model: EXMC_ERR_INVALID, with a message
   naming the option ("invalid options: target_accept must be in (0, 1),
   got 1.5"), for a value out of its range; the run's size and the initial
   points are checked by exmc_sample and exmc_run_start. Thread-safe. */
int exmc_options_check(const exmc_options* o, char** err);

/* The options' schema as JSON, in *out: a static string, do not free it.
   {"version": 1, "options": [{"python" (exmc.sample's keyword, or null),
   "c" (the field above), "c_type", "type" ("int", "float", "bool", "seed",
   "choice" or "points"), "default" (exmc_options_default's value; null for
   a pointer), "python_default", "none" (what Python's None means, or
   null), "range" ({"min", "max", "min_open", "max_open"}: a null end is
   unbounded, and every value in a range is finite; or null), "choices"
   ([{"name", "value", "doc"}]: a choice's name in Python, its value here;
   or null), "doc"}]} in the order of the fields. The ranges and choices are
   those exmc_options_check enforces; the Python package makes its
   signatures from it. Thread-safe. */
int exmc_options_schema(const char** out, char** err);

/* Samples and blocks until every chain has finished. On success *out is a
   stream of one record batch holding every chain's draws, chain-major (all
   of chain 0, then chain 1, ...), each chain's warmup draws (with
   save_warmup) before its posterior draws. The columns, none nullable:
     chain (int64), draw (int64: the draw's index within its phase, warmup
       and posterior each counted from 0), warmup (bool);
     sample_stats, a struct of the transition statistics: lp,
       acceptance_rate, step_size, step_size_nom, energy, energy_error,
       max_energy_error (float64), tree_depth, n_steps (int64), diverging,
       reached_max_treedepth (bool);
     posterior, a struct with one field per reported variable, named for
       it, in the order of exmc_model_info's "vars": float64 for a scalar,
       fixed_size_list<float64>[size] for an array (row-major), with the
       variable's shape in the field metadata as JSON ("exmc:shape" =
       "[8]"; "[]" for a scalar) and, when it has dims, their names
       ("exmc:dims" = "[\"school\"]");
     with log_likelihood, a struct log_likelihood with one field per
       observed variable, as above (warmup rows included).
   Whatever their names ("lp", "chain", ...), the variables never meet the
   statistics or the index: each group is a column of its own. Row r of
   any field is at index r of its primitive array, counted from that
   array's offset (the struct and list arrays have offset 0): for an array
   variable of size k, its values are k * r to k * r + k - 1 of the list's
   child array. The buffers are those the chains wrote the draws into, in
   C memory, shared by the batches of exmc_run_next and the result; they
   are freed when the consumer releases the last structure that uses them.
   Invalid options are EXMC_ERR_INVALID, naming the field; so is a run whose
   draws, their record and the chains' buffers would need more memory than
   the limit (see the conventions), with the bytes it needs and the bytes
   available. When some chains
   fail, the others' draws are still returned in *out (release it), with
   EXMC_ERR_CHAINS and a message naming each failed chain and its cause.
   Thread-safe; runs on the library's threads. */
int exmc_sample(const exmc_model* model, const exmc_options* options, struct ArrowArrayStream* out,
                char** err);

/* ---- Runs: non-blocking sampling ---------------------------------------- */

typedef struct exmc_run exmc_run;

/* One chain's progress. */
typedef struct exmc_progress {
  int64_t chain;        /* the chain's number (first_chain + its index) */
  int64_t draws_done;   /* iterations done, warmup included */
  int64_t total;        /* tune + draws */
  int64_t divergences;  /* divergent transitions after warmup */
  int32_t tuning;       /* 1 while in warmup */
  int32_t finished;     /* 1 when the chain has ended (done, failed or cancelled) */
  int32_t failed;       /* 1 when the chain failed; see exmc_run_chain_error */
  int32_t reserved;
} exmc_progress;

/* Starts sampling in the background and returns at once. Free the run with
   exmc_run_free. The options are read, and init copied, before it returns.
   Options are checked as by exmc_sample, the memory the run needs
   included. When it fails, nothing was left running. Thread-safe. */
int exmc_run_start(const exmc_model* model, const exmc_options* options, exmc_run** out, char** err);

/* Takes the next batch of draws: one chain's consecutive draws of one
   phase (warmup batches only with save_warmup), at most batch_size rows,
   with the columns of exmc_sample. Waits up to timeout_ms milliseconds (0:
   do not wait; negative: wait until a batch or the end); a short timeout
   keeps a caller responsive, to Ctrl-C for one. Returns EXMC_OK with
   *schema and *batch filled (release both), EXMC_TIMEOUT when nothing came
   in time, or EXMC_DONE when every chain has ended and every batch has been
   taken; otherwise both are zeroed. A batch is a view of the run's
   columns (see exmc_sample), which live until the last structure using
   them is released: a batch kept after the run and its result are freed
   keeps every draw of the run in memory. Call it from one thread at a time
   per run. */
int exmc_run_next(exmc_run* run, int64_t timeout_ms, struct ArrowSchema* schema, struct ArrowArray* batch,
                  char** err);

/* Writes the progress of min(n, chains) chains into progress[] and the
   number of chains into *chains (either may be NULL to ask for the count
   only). Every chain reports finished exactly when the run has ended:
   then exmc_run_wait returns EXMC_OK at once and exmc_run_result gives the
   draws. Thread-safe. */
int exmc_run_progress(exmc_run* run, exmc_progress* progress, size_t n, size_t* chains, char** err);

/* Asks every chain to stop; they stop within one transition. Returns at
   once. Thread-safe. */
int exmc_run_cancel(exmc_run* run, char** err);

/* Waits up to timeout_ms (negative: without limit) for every chain to end:
   EXMC_OK when they have, EXMC_TIMEOUT otherwise. Thread-safe. */
int exmc_run_wait(exmc_run* run, int64_t timeout_ms, char** err);

/* After the run has ended, every draw as exmc_sample returns them (draws
   taken with exmc_run_next included); before that, EXMC_ERR_INVALID (wait
   for the end with exmc_run_wait). A cancelled run returns the draws made
   before it stopped in *out (release it), with EXMC_ERR_CANCELLED; failed
   chains give EXMC_ERR_CHAINS in the same way. Thread-safe. */
int exmc_run_result(exmc_run* run, struct ArrowArrayStream* out, char** err);

/* The error of a failed chain as a new string in *message (free it with
   exmc_free_string), or NULL when the chain has not failed. chain is the
   chain's index in the run, 0 <= chain < chains (the chain numbered
   first_chain + chain); an index out of range is EXMC_ERR_INVALID.
   Thread-safe. */
int exmc_run_chain_error(exmc_run* run, size_t chain, char** message, char** err);

/* Cancels the run if it is still going, waits for its threads, and frees
   it. NULL, or a handle already freed, is ignored. Thread-safe, but no
   other call may use the run afterwards. */
void exmc_run_free(exmc_run* run);

/* ---- Variational inference: ADVI ------------------------------------------ */

/* A fit of a normal approximation N(mean, L L^T) to the posterior on the
   unconstrained space by ADVI, mean-field (L diagonal) or full-rank. Always
   initialise the options with exmc_fit_options_default, then change fields;
   size lets later versions add fields compatibly. A field's default closes
   its comment, in parentheses. */
typedef struct exmc_fit_options {
  uint32_t size;            /* sizeof(exmc_fit_options), set by exmc_fit_options_default */
  int32_t method;           /* EXMC_FIT_ADVI or EXMC_FIT_FULLRANK_ADVI (EXMC_FIT_ADVI) */
  int64_t n;                /* steps at most, in [1, 2^30] (10000) */
  int64_t grad_draws;       /* draws per gradient estimate, in [1, 2^20] (1) */
  double learning_rate;     /* Adam's step size, positive (0.01) */
  int64_t eval_every;       /* steps between ELBO checks for convergence, at least 1 (100) */
  int64_t eval_draws;       /* draws per ELBO check, in [1, 2^20] (100) */
  double tol;               /* converged when the mean or median relative ELBO change of the
                               recent checks is below tol; 0 never converges (0.01) */
  uint64_t seed;            /* random seed; every value is one (0) */
  const double* init;       /* NULL (zeros), or dim values: the initial mean (copied) */
} exmc_fit_options;

#define EXMC_FIT_ADVI 0
#define EXMC_FIT_FULLRANK_ADVI 1

/* Fills o with the defaults above. NULL is ignored. Thread-safe. */
void exmc_fit_options_default(exmc_fit_options* o);

typedef struct exmc_fit exmc_fit;

/* Starts a fit in a thread of its own and returns its handle in *out
   (free it with exmc_fit_free). Invalid options are EXMC_ERR_INVALID,
   naming the field; so is a fit whose buffers would not fit in the memory
   limit. Thread-safe. */
int exmc_fit_start(const exmc_model* model, const exmc_fit_options* options, exmc_fit** out, char** err);

/* The fit's progress: the steps done, the last step's ELBO estimate (NaN
   before the first), and whether it has ended (1) or not (0). Any pointer
   may be NULL. Thread-safe. */
int exmc_fit_progress(exmc_fit* fit, int64_t* steps, double* elbo, int32_t* done, char** err);

/* Asks the fit to stop after its current step. Thread-safe. */
int exmc_fit_cancel(exmc_fit* fit, char** err);

/* Waits for the fit to end, at most timeout_ms milliseconds (negative:
   without limit): EXMC_OK once it has ended, EXMC_TIMEOUT otherwise. */
int exmc_fit_wait(exmc_fit* fit, int64_t timeout_ms, char** err);

/* The fitted approximation, once the fit has ended, as a stream of one
   record batch of one row with the columns (none nullable):
     mean (fixed_size_list<float64>[dim]): the approximation's mean;
     chol (fixed_size_list<float64>[dim * dim]): L, row-major and lower
       triangular (diagonal for mean-field): the covariance is L L^T;
     history (list<float64>): each step's ELBO estimate;
     elbo (list<float64>), elbo_step (list<int64>): the convergence checks'
       ELBO estimates and the steps they were made at;
     steps (int64), converged (bool), rejected (int64: draws whose
       log-density or gradient was not finite, left out of their step).
   A cancelled fit returns what it has, with EXMC_ERR_CANCELLED; a fit that
   failed (the model raised, or a step found no finite draw in 100) returns
   EXMC_ERR_NUMERIC with the cause and no stream. Thread-safe. */
int exmc_fit_result(exmc_fit* fit, struct ArrowArrayStream* out, char** err);

/* Cancels the fit if it is running, waits for it, and frees it. NULL and
   freed handles are ignored. Thread-safe. */
void exmc_fit_free(exmc_fit* fit);

#ifdef __cplusplus
}
#endif

#endif /* EXMC_H */
