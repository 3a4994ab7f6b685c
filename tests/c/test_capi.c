/*
 * Tests of libexmc through its C interface, as a C program sees it.
 *
 * Run by tests/c/run.sh against a library built with GOEXPERIMENT=cgocheck2,
 * so that any breach of the cgo pointer rules at the boundary crashes this
 * program instead of going unnoticed. Prints one line per failed check and
 * ends with "N passed, M failed"; exits non-zero when a check failed.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c11 */

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exmc.h"

static int passed, failed;

static void check_at(int ok, const char* file, int line, const char* what, const char* fmt, ...) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  fprintf(stderr, "FAIL %s:%d: %s", file, line, what);
  if (fmt != NULL) {
    va_list ap;
    va_start(ap, fmt);
    fputs(": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
  }
  fputc('\n', stderr);
}

#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, NULL)
#define CHECKF(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Checks that a call succeeded; on failure prints the library's message. */
#define CHECK_OK(call)                                                              \
  do {                                                                              \
    char* err_ = NULL;                                                              \
    int rc_ = (call);                                                               \
    check_at(rc_ == EXMC_OK, __FILE__, __LINE__, #call, "rc %d: %s", rc_,           \
             err_ ? err_ : "(no message)");                                         \
    exmc_free_error(err_);                                                          \
  } while (0)

/* Checks that a call failed with code and a message containing want. The
   call must pass &err_ as its err argument. */
#define CHECK_ERR(code, want, call)                                                         \
  do {                                                                                      \
    char* err_ = NULL;                                                                      \
    int rc_ = (call);                                                                       \
    check_at(rc_ == (code), __FILE__, __LINE__, #call, "rc %d, want %d (%s)", rc_, (code),  \
             err_ ? err_ : "no message");                                                   \
    check_at(err_ != NULL && strstr(err_, (want)) != NULL, __FILE__, __LINE__, "message",   \
             "%s: message %s does not contain \"%s\"", #call, err_ ? err_ : "NULL", (want)); \
    exmc_free_error(err_);                                                                  \
  } while (0)

/* ---- the eight schools -------------------------------------------------- */

static const char* EIGHT_SCHOOLS =
    "{\"format\": \"exmc.model/v1\","
    " \"coords\": {\"school\": [\"A\",\"B\",\"C\",\"D\",\"E\",\"F\",\"G\",\"H\"]},"
    " \"nodes\": ["
    "  {\"name\": \"y_obs\", \"kind\": \"data\", \"shape\": [8], \"values\": [28,8,-3,7,-1,1,18,12]},"
    "  {\"name\": \"sigma\", \"kind\": \"data\", \"shape\": [8], \"values\": [15,10,16,11,9,11,10,18]},"
    "  {\"name\": \"mu\", \"kind\": \"free\", \"dist\": \"Normal\", \"params\": {\"mu\": 0, \"sigma\": 5}},"
    "  {\"name\": \"tau\", \"kind\": \"free\", \"dist\": \"HalfCauchy\", \"params\": {\"beta\": 5}},"
    "  {\"name\": \"theta\", \"kind\": \"free\", \"dist\": \"Normal\", \"shape\": [8], \"dims\": [\"school\"],"
    "   \"params\": {\"mu\": {\"ref\": \"mu\"}, \"sigma\": {\"ref\": \"tau\"}}},"
    "  {\"name\": \"y\", \"kind\": \"observed\", \"dist\": \"Normal\", \"dims\": [\"school\"],"
    "   \"params\": {\"mu\": {\"ref\": \"theta\"}, \"sigma\": {\"ref\": \"sigma\"}}, \"observed\": {\"ref\": \"y_obs\"}},"
    "  {\"name\": \"theta_mean\", \"kind\": \"deterministic\", \"expr\": {\"op\": \"mean\", \"args\": [{\"ref\": \"theta\"}]}}"
    " ]}";

/* The same model with the data left out, for exmc_model_from_json_arrow. */
static const char* EIGHT_SCHOOLS_NO_DATA =
    "{\"format\": \"exmc.model/v1\","
    " \"nodes\": ["
    "  {\"name\": \"y_obs\", \"kind\": \"data\", \"shape\": [8]},"
    "  {\"name\": \"sigma\", \"kind\": \"data\", \"shape\": [8], \"dtype\": \"int64\"},"
    "  {\"name\": \"mu\", \"kind\": \"free\", \"dist\": \"Normal\", \"params\": {\"mu\": 0, \"sigma\": 5}},"
    "  {\"name\": \"tau\", \"kind\": \"free\", \"dist\": \"HalfCauchy\", \"params\": {\"beta\": 5}},"
    "  {\"name\": \"theta\", \"kind\": \"free\", \"dist\": \"Normal\", \"shape\": [8],"
    "   \"params\": {\"mu\": {\"ref\": \"mu\"}, \"sigma\": {\"ref\": \"tau\"}}},"
    "  {\"name\": \"y\", \"kind\": \"observed\", \"dist\": \"Normal\","
    "   \"params\": {\"mu\": {\"ref\": \"theta\"}, \"sigma\": {\"ref\": \"sigma\"}}, \"observed\": {\"ref\": \"y_obs\"}},"
    "  {\"name\": \"theta_mean\", \"kind\": \"deterministic\", \"expr\": {\"op\": \"mean\", \"args\": [{\"ref\": \"theta\"}]}}"
    " ]}";

static const double Y_OBS[8] = {28, 8, -3, 7, -1, 1, 18, 12};
static const int64_t SIGMA[8] = {15, 10, 16, 11, 9, 11, 10, 18};

static exmc_model* eight_schools(void) {
  exmc_model* m = NULL;
  CHECK_OK(exmc_model_from_json(EIGHT_SCHOOLS, strlen(EIGHT_SCHOOLS), &m, &err_));
  return m;
}

/* ---- reading Arrow structures -------------------------------------------- */

static int64_t child_index(const struct ArrowSchema* s, const char* name) {
  for (int64_t i = 0; i < s->n_children; i++) {
    if (strcmp(s->children[i]->name, name) == 0) return i;
  }
  return -1;
}

/* The value of key in Arrow's binary metadata (int32 count, then int32
   length-prefixed keys and values), copied into buf; NULL when absent. */
static const char* metadata_value(const char* md, const char* key, char* buf, size_t cap) {
  if (md == NULL) return NULL;
  int32_t n, len;
  memcpy(&n, md, 4);
  md += 4;
  for (int32_t i = 0; i < n; i++) {
    memcpy(&len, md, 4);
    md += 4;
    int match = (size_t)len == strlen(key) && memcmp(md, key, (size_t)len) == 0;
    md += len;
    memcpy(&len, md, 4);
    md += 4;
    if (match) {
      size_t k = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
      memcpy(buf, md, k);
      buf[k] = '\0';
      return buf;
    }
    md += len;
  }
  return NULL;
}

/* A column of the draws: a top-level one ("chain") with group NULL, or a
   field of one of the struct columns: field_schema(s, "posterior",
   "theta"). NULL when there is none. */
static const struct ArrowSchema* field_schema(const struct ArrowSchema* s, const char* group, const char* name) {
  if (group != NULL) {
    int64_t g = child_index(s, group);
    if (g < 0) return NULL;
    s = s->children[g];
  }
  int64_t i = child_index(s, name);
  return i < 0 ? NULL : s->children[i];
}

static const struct ArrowArray* field_array(const struct ArrowSchema* s, const struct ArrowArray* a, const char* group,
                                            const char* name) {
  if (group != NULL) {
    int64_t g = child_index(s, group);
    if (g < 0) return NULL;
    s = s->children[g];
    a = a->children[g];
  }
  int64_t i = child_index(s, name);
  return i < 0 ? NULL : a->children[i];
}

static const double* f64_column(const struct ArrowArray* a) {
  return (const double*)a->buffers[1] + a->offset;
}

static const int64_t* i64_column(const struct ArrowArray* a) {
  return (const int64_t*)a->buffers[1] + a->offset;
}

static int bool_at(const struct ArrowArray* a, int64_t i) {
  const uint8_t* bits = (const uint8_t*)a->buffers[1];
  int64_t j = i + a->offset;
  return (bits[j / 8] >> (j % 8)) & 1;
}

/* The element values of a fixed_size_list<float64>[size] column. */
static const double* list_values(const struct ArrowArray* a, int64_t size) {
  const struct ArrowArray* c = a->children[0];
  return (const double*)c->buffers[1] + c->offset + a->offset * size;
}

/* Reads a stream of exactly one batch into *schema and *batch, checking that
   the stream then ends; releases the stream. */
static int read_single_batch(struct ArrowArrayStream* s, struct ArrowSchema* schema,
                             struct ArrowArray* batch) {
  int ok = 1;
  memset(schema, 0, sizeof *schema);
  memset(batch, 0, sizeof *batch);
  if (s->get_schema(s, schema) != 0) {
    fprintf(stderr, "get_schema: %s\n", s->get_last_error(s));
    ok = 0;
  }
  if (ok && s->get_next(s, batch) != 0) {
    fprintf(stderr, "get_next: %s\n", s->get_last_error(s));
    ok = 0;
  }
  if (ok) {
    struct ArrowArray end;
    memset(&end, 0, sizeof end);
    CHECK(s->get_next(s, &end) == 0);
    CHECK(end.release == NULL); /* the end of the stream */
  }
  s->release(s);
  CHECK(s->release == NULL);
  return ok && batch->release != NULL;
}

static void release_batch(struct ArrowSchema* schema, struct ArrowArray* batch) {
  if (batch->release) batch->release(batch);
  if (schema->release) schema->release(schema);
  CHECK(batch->release == NULL && schema->release == NULL);
}

/* The draws' columns, the statistics in the sample_stats column, and the
   eight schools' variables in the posterior column. */
static const char* EXPECTED_COLUMNS[] = {"chain", "draw", "warmup", "sample_stats", "posterior"};
#define N_EXPECTED (sizeof EXPECTED_COLUMNS / sizeof EXPECTED_COLUMNS[0])
static const char* EXPECTED_STATS[] = {"lp", "acceptance_rate", "step_size", "step_size_nom", "energy",
                                       "energy_error", "max_energy_error", "tree_depth", "n_steps", "diverging",
                                       "reached_max_treedepth"};
static const char* EXPECTED_STATS_FORMATS = "gggggggllbb";
#define N_STATS (sizeof EXPECTED_STATS / sizeof EXPECTED_STATS[0])
static const char* EXPECTED_VARS[] = {"mu", "tau", "theta", "theta_mean"};
#define N_VARS (sizeof EXPECTED_VARS / sizeof EXPECTED_VARS[0])

/* Checks that the struct column group has exactly the fields want, in
   order. */
static void check_fields(const struct ArrowSchema* schema, const char* group, const char** want, size_t n) {
  const struct ArrowSchema* g = field_schema(schema, NULL, group);
  CHECKF(g != NULL && strcmp(g->format, "+s") == 0, "%s: no struct column", group);
  if (g == NULL) return;
  CHECKF(g->n_children == (int64_t)n, "%s has %lld fields, want %zu", group, (long long)g->n_children, n);
  for (size_t i = 0; i < n && i < (size_t)g->n_children; i++) {
    CHECKF(strcmp(g->children[i]->name, want[i]) == 0, "%s field %zu is %s, want %s", group, i,
           g->children[i]->name, want[i]);
  }
}

/* ---- tests --------------------------------------------------------------- */

static void test_version(void) {
  char want[64];
  snprintf(want, sizeof want, "%d.%d.%d", EXMC_VERSION_MAJOR, EXMC_VERSION_MINOR, EXMC_VERSION_PATCH);
  const char* v = exmc_version();
  CHECKF(v != NULL && strcmp(v, want) == 0, "version %s, want %s", v ? v : "NULL", want);
  CHECK_OK(exmc_set_threads(2, &err_));
}

static void test_model(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  size_t dim = 0, size = 0;
  CHECK_OK(exmc_model_dim(m, &dim, &err_));
  CHECKF(dim == 10, "dim %zu", dim);
  CHECK_OK(exmc_model_constrained_size(m, &size, &err_));
  CHECKF(size == 11, "constrained size %zu", size);

  const char* names = NULL;
  CHECK_OK(exmc_model_param_names(m, 0, &names, &err_));
  CHECKF(names && strcmp(names,
                         "mu,tau_log__,theta__z[0],theta__z[1],theta__z[2],theta__z[3],theta__z[4],"
                         "theta__z[5],theta__z[6],theta__z[7]") == 0,
         "names %s", names ? names : "NULL");
  CHECK_OK(exmc_model_param_names(m, 1, &names, &err_));
  CHECKF(names && strcmp(names,
                         "mu,tau,theta[0],theta[1],theta[2],theta[3],theta[4],theta[5],theta[6],"
                         "theta[7],theta_mean") == 0,
         "constrained names %s", names ? names : "NULL");

  char* info = NULL;
  CHECK_OK(exmc_model_info(m, &info, &err_));
  CHECK(info != NULL);
  if (info) {
    CHECKF(strstr(info, "\"dim\":10") != NULL, "%s", info);
    CHECKF(strstr(info, "\"value_name\":\"tau_log__\"") != NULL, "%s", info);
    CHECKF(strstr(info, "\"transform\":\"log\"") != NULL, "%s", info);
    CHECKF(strstr(info, "\"noncentered\":[\"theta\"]") != NULL, "%s", info);
    CHECKF(strstr(info, "\"coords\":{\"school\":[\"A\",\"B\"") != NULL, "%s", info);
    CHECKF(strstr(info, "\"dims\":[\"school\"]") != NULL, "%s", info);
    CHECKF(strstr(info, "\"observed\":[{\"name\":\"y\"") != NULL, "%s", info);
    CHECKF(strstr(info, "\"kind\":\"deterministic\"") != NULL, "%s", info);
  }
  exmc_free_string(info);
  exmc_model_free(m);
}

static void test_log_density(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  double x[10], grad[10], lp = 0, lp2 = 0;
  for (int i = 0; i < 10; i++) x[i] = 0.3 * sin(1.0 + i);
  CHECK_OK(exmc_log_density_gradient(m, x, 10, &lp, grad, &err_));
  CHECK(isfinite(lp));
  CHECK_OK(exmc_log_density_gradient(m, x, 10, &lp2, NULL, &err_));
  CHECKF(lp2 == lp, "without gradient %.17g, with %.17g", lp2, lp);
  for (int i = 0; i < 10; i++) {
    const double h = 1e-6;
    double xp[10], xm[10], lpp, lpm;
    memcpy(xp, x, sizeof x);
    memcpy(xm, x, sizeof x);
    xp[i] += h;
    xm[i] -= h;
    CHECK_OK(exmc_log_density_gradient(m, xp, 10, &lpp, NULL, &err_));
    CHECK_OK(exmc_log_density_gradient(m, xm, 10, &lpm, NULL, &err_));
    double fd = (lpp - lpm) / (2 * h);
    CHECKF(fabs(fd - grad[i]) <= 1e-5 * (1 + fabs(grad[i])), "gradient[%d] %.9g, finite difference %.9g", i,
           grad[i], fd);
  }

  /* The constrained values: tau = exp(tau_log__), theta = mu + tau * z. */
  double out[11];
  CHECK_OK(exmc_constrain(m, x, 10, out, 11, &err_));
  CHECK(out[0] == x[0]);
  CHECKF(fabs(out[1] - exp(x[1])) < 1e-12, "tau %.17g", out[1]);
  double mean = 0;
  for (int k = 0; k < 8; k++) {
    CHECKF(fabs(out[2 + k] - (x[0] + exp(x[1]) * x[2 + k])) < 1e-12, "theta[%d] %.17g", k, out[2 + k]);
    mean += out[2 + k] / 8;
  }
  CHECKF(fabs(out[10] - mean) < 1e-12, "theta_mean %.17g, want %.17g", out[10], mean);
  exmc_model_free(m);
}

struct thread_arg {
  exmc_model* m;
  double lp;
  int failures;
};

static void* density_thread(void* p) {
  struct thread_arg* a = p;
  double x[10], grad[10];
  for (int i = 0; i < 10; i++) x[i] = 0.3 * sin(1.0 + i);
  for (int k = 0; k < 2000; k++) {
    double lp;
    if (exmc_log_density_gradient(a->m, x, 10, &lp, grad, NULL) != EXMC_OK || lp != a->lp) a->failures++;
  }
  return NULL;
}

/* Several threads evaluate one model at once, as the header allows. */
static void test_log_density_threads(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  double x[10], lp;
  for (int i = 0; i < 10; i++) x[i] = 0.3 * sin(1.0 + i);
  CHECK_OK(exmc_log_density_gradient(m, x, 10, &lp, NULL, &err_));
  pthread_t th[4];
  struct thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (struct thread_arg){m, lp, 0};
    pthread_create(&th[i], NULL, density_thread, &args[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECKF(args[i].failures == 0, "thread %d: %d failures", i, args[i].failures);
  }
  exmc_model_free(m);
}

struct racing_arg {
  exmc_model* m;
  atomic_int stop;
  long ok, freed, other;
};

static void* racing_thread(void* p) {
  struct racing_arg* a = p;
  double x[10] = {0}, grad[10], lp;
  while (!atomic_load(&a->stop)) {
    char* err = NULL;
    int rc = exmc_log_density_gradient(a->m, x, 10, &lp, grad, &err);
    if (rc == EXMC_OK)
      a->ok++;
    else if (rc == EXMC_ERR_HANDLE && err != NULL)
      a->freed++;
    else
      a->other++;
    exmc_free_error(err);
    if (a->freed > 100) break;
  }
  return NULL;
}

/* A model freed while other threads use it: each call either completes or
   reports the freed handle. */
static void test_free_while_in_use(void) {
  struct racing_arg args[3];
  pthread_t th[3];
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  for (int i = 0; i < 3; i++) {
    args[i].m = m;
    atomic_init(&args[i].stop, 0);
    args[i].ok = args[i].freed = args[i].other = 0;
    pthread_create(&th[i], NULL, racing_thread, &args[i]);
  }
  struct timespec pause = {0, 20 * 1000 * 1000};
  nanosleep(&pause, NULL);
  exmc_model_free(m);
  nanosleep(&pause, NULL);
  long ok = 0, freed = 0, other = 0;
  for (int i = 0; i < 3; i++) {
    atomic_store(&args[i].stop, 1);
    pthread_join(th[i], NULL);
    ok += args[i].ok;
    freed += args[i].freed;
    other += args[i].other;
  }
  CHECKF(ok > 0 && freed > 0 && other == 0, "%ld completed, %ld saw the handle freed, %ld other results", ok, freed,
         other);
}

static void test_sample(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  CHECK(o.size == sizeof(exmc_options));
  CHECK(o.draws == 1000 && o.tune == 1000 && o.chains == 4 && o.target_accept == 0.8);
  CHECK(o.max_treedepth == 10 && o.batch_size == 50 && o.init == NULL && o.init_jitter == 2);
  o.chains = 3;
  o.draws = 200;
  o.tune = 300;
  o.seed = 42;

  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECKF(strcmp(schema.format, "+s") == 0, "format %s", schema.format);
    CHECKF(schema.n_children == (int64_t)N_EXPECTED, "%lld columns", (long long)schema.n_children);
    for (size_t i = 0; i < N_EXPECTED && i < (size_t)schema.n_children; i++) {
      CHECKF(strcmp(schema.children[i]->name, EXPECTED_COLUMNS[i]) == 0, "column %zu is %s, want %s", i,
             schema.children[i]->name, EXPECTED_COLUMNS[i]);
    }
    CHECKF(batch.length == 3 * 200, "%lld rows", (long long)batch.length);
    CHECK(batch.n_children == schema.n_children);
    check_fields(&schema, "sample_stats", EXPECTED_STATS, N_STATS);
    check_fields(&schema, "posterior", EXPECTED_VARS, N_VARS);
    const struct ArrowSchema* stats = field_schema(&schema, NULL, "sample_stats");
    for (size_t i = 0; stats && i < N_STATS && i < (size_t)stats->n_children; i++) {
      CHECKF(stats->children[i]->format[0] == EXPECTED_STATS_FORMATS[i] && stats->children[i]->format[1] == 0,
             "%s is %s", EXPECTED_STATS[i], stats->children[i]->format);
    }

    const struct ArrowSchema* schain = field_schema(&schema, NULL, "chain");
    const struct ArrowSchema* swarm = field_schema(&schema, NULL, "warmup");
    const struct ArrowSchema* stau = field_schema(&schema, "posterior", "tau");
    const struct ArrowSchema* stheta = field_schema(&schema, "posterior", "theta");
    CHECK(schain && swarm && stau && stheta);
    if (!(schain && swarm && stau && stheta)) {
      release_batch(&schema, &batch);
      exmc_model_free(m);
      return;
    }
    CHECK(strcmp(schain->format, "l") == 0);
    CHECK(strcmp(swarm->format, "b") == 0);
    CHECK(strcmp(stau->format, "g") == 0);
    CHECKF(strcmp(stheta->format, "+w:8") == 0, "theta is %s", stheta->format);
    char buf[64];
    const char* shape = metadata_value(stheta->metadata, "exmc:shape", buf, sizeof buf);
    CHECKF(shape && strcmp(shape, "[8]") == 0, "theta's shape %s", shape ? shape : "missing");
    const char* dims = metadata_value(stheta->metadata, "exmc:dims", buf, sizeof buf);
    CHECKF(dims && strcmp(dims, "[\"school\"]") == 0, "theta's dims %s", dims ? dims : "missing");
    shape = metadata_value(stau->metadata, "exmc:shape", buf, sizeof buf);
    CHECKF(shape && strcmp(shape, "[]") == 0, "tau's shape %s", shape ? shape : "missing");

    const int64_t* chain = i64_column(field_array(&schema, &batch, NULL, "chain"));
    const int64_t* draw = i64_column(field_array(&schema, &batch, NULL, "draw"));
    const struct ArrowArray* warmup = field_array(&schema, &batch, NULL, "warmup");
    const double* tau = f64_column(field_array(&schema, &batch, "posterior", "tau"));
    const double* theta = list_values(field_array(&schema, &batch, "posterior", "theta"), 8);
    const double* tmean = f64_column(field_array(&schema, &batch, "posterior", "theta_mean"));
    const double* lp = f64_column(field_array(&schema, &batch, "sample_stats", "lp"));
    int layout_ok = 1, values_ok = 1;
    for (int64_t r = 0; r < batch.length; r++) {
      if (chain[r] != r / 200 || draw[r] != r % 200 || bool_at(warmup, r)) layout_ok = 0;
      if (!isfinite(lp[r]) || lp[r] == 0) values_ok = 0;
      double mean = 0;
      for (int k = 0; k < 8; k++) mean += theta[r * 8 + k] / 8;
      if (!(tau[r] > 0) || fabs(mean - tmean[r]) > 1e-9 * (1 + fabs(mean))) values_ok = 0;
    }
    CHECK(layout_ok);
    CHECK(values_ok);
    release_batch(&schema, &batch);
  }

  /* Warmup draws kept, and pointwise log-likelihoods. */
  o.save_warmup = 1;
  o.log_likelihood = 1;
  o.chains = 2;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECKF(batch.length == 2 * (300 + 200), "%lld rows", (long long)batch.length);
    CHECK(child_index(&schema, "log_likelihood") == (int64_t)N_EXPECTED);
    const struct ArrowSchema* sll = field_schema(&schema, "log_likelihood", "y");
    CHECK(sll != NULL && field_schema(&schema, NULL, "log_likelihood")->n_children == 1);
    if (sll != NULL) {
      CHECK(strcmp(sll->format, "+w:8") == 0);
      const double* ll = list_values(field_array(&schema, &batch, "log_likelihood", "y"), 8);
      int ok = 1;
      for (int64_t r = 0; r < batch.length * 8; r++) ok &= ll[r] < 0 && isfinite(ll[r]);
      CHECK(ok);
    }
    const int64_t* draw = i64_column(field_array(&schema, &batch, NULL, "draw"));
    const struct ArrowArray* warmup = field_array(&schema, &batch, NULL, "warmup");
    int ok = 1;
    for (int64_t r = 0; r < batch.length; r++) {
      int64_t within = r % 500;
      int warm = within < 300;
      ok &= bool_at(warmup, r) == warm && draw[r] == (warm ? within : within - 300);
    }
    CHECK(ok);
    release_batch(&schema, &batch);
  }

  /* The same seed gives the same draws, whatever the number of cores. */
  double first[2];
  for (int k = 0; k < 2; k++) {
    exmc_options_default(&o);
    o.chains = 2;
    o.draws = 50;
    o.tune = 50;
    o.seed = 7;
    o.cores = k + 1;
    first[k] = NAN;
    CHECK_OK(exmc_sample(m, &o, &stream, &err_));
    if (read_single_batch(&stream, &schema, &batch)) {
      first[k] = f64_column(field_array(&schema, &batch, "posterior", "mu"))[99];
      release_batch(&schema, &batch);
    }
  }
  CHECKF(first[0] == first[1], "%.17g vs %.17g", first[0], first[1]);

  /* Initial points given by the caller. */
  exmc_options_default(&o);
  o.chains = 2;
  o.draws = 10;
  o.tune = 0;
  double init[20] = {0};
  o.init = init;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) release_batch(&schema, &batch);
  exmc_model_free(m);
}

static void test_run(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  o.chains = 2;
  o.tune = 200;
  o.draws = 300;
  o.batch_size = 40;
  o.seed = 3;
  exmc_run* run = NULL;
  CHECK_OK(exmc_run_start(m, &o, &run, &err_));
  if (run == NULL) return;
  /* The run keeps its model alive. */
  exmc_model_free(m);

  int64_t rows[2] = {0, 0}, batches = 0;
  int status, rounds = 0, order_ok = 1;
  for (;;) {
    struct ArrowSchema schema;
    struct ArrowArray batch;
    char* err = NULL;
    status = exmc_run_next(run, 100, &schema, &batch, &err);
    if (status == EXMC_TIMEOUT) {
      CHECK(err == NULL && batch.release == NULL && schema.release == NULL);
      if (++rounds > 600) break;
      continue;
    }
    if (status != EXMC_OK) {
      CHECKF(status == EXMC_DONE, "exmc_run_next: %d %s", status, err ? err : "");
      exmc_free_error(err);
      break;
    }
    batches++;
    CHECK(schema.n_children == (int64_t)N_EXPECTED && batch.length > 0 && batch.length <= 40);
    const int64_t* chain = i64_column(field_array(&schema, &batch, NULL, "chain"));
    const int64_t* draw = i64_column(field_array(&schema, &batch, NULL, "draw"));
    /* a batch is a slice of the run's columns: its variables are read
       from the offsets of their arrays, as the full result's are */
    const double* mu = f64_column(field_array(&schema, &batch, "posterior", "mu"));
    const double* theta = list_values(field_array(&schema, &batch, "posterior", "theta"), 8);
    const double* tmean = f64_column(field_array(&schema, &batch, "posterior", "theta_mean"));
    int64_t c = chain[0];
    if (c < 0 || c > 1 || draw[0] != rows[c]) order_ok = 0;
    for (int64_t r = 0; r < batch.length; r++) {
      if (chain[r] != c || draw[r] != draw[0] + r) order_ok = 0;
      double mean = 0;
      for (int k = 0; k < 8; k++) mean += theta[r * 8 + k] / 8;
      if (!isfinite(mu[r]) || fabs(mean - tmean[r]) > 1e-9 * (1 + fabs(mean))) order_ok = 0;
    }
    if (c >= 0 && c <= 1) rows[c] += batch.length;
    release_batch(&schema, &batch);
  }
  CHECK(status == EXMC_DONE);
  CHECK(order_ok);
  CHECKF(rows[0] == 300 && rows[1] == 300, "rows %lld, %lld", (long long)rows[0], (long long)rows[1]);
  CHECK(batches >= 2 * (300 / 40));

  /* DONE again when asked again. */
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK(exmc_run_next(run, 0, &schema, &batch, NULL) == EXMC_DONE);

  exmc_progress p[3];
  size_t chains = 0;
  memset(p, 0xff, sizeof p);
  CHECK_OK(exmc_run_progress(run, p, 3, &chains, &err_));
  CHECK(chains == 2);
  for (int c = 0; c < 2; c++) {
    CHECKF(p[c].chain == c && p[c].draws_done == 500 && p[c].total == 500 && p[c].finished == 1 &&
               p[c].failed == 0 && p[c].tuning == 0,
           "chain %d: %lld/%lld finished %d failed %d", c, (long long)p[c].draws_done, (long long)p[c].total,
           p[c].finished, p[c].failed);
  }
  CHECK(p[2].chain == -1); /* only min(n, chains) entries are written */
  CHECK_OK(exmc_run_progress(run, NULL, 0, &chains, &err_));
  CHECK_OK(exmc_run_wait(run, -1, &err_));
  CHECK_OK(exmc_run_wait(run, 0, &err_));

  struct ArrowArrayStream stream;
  CHECK_OK(exmc_run_result(run, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECK(batch.length == 600);
    release_batch(&schema, &batch);
  }
  char* msg = (char*)1;
  CHECK_OK(exmc_run_chain_error(run, 1, &msg, &err_));
  CHECK(msg == NULL);
  CHECK_ERR(EXMC_ERR_INVALID, "chain", exmc_run_chain_error(run, 2, &msg, &err_));
  exmc_run_free(run);
  CHECK_ERR(EXMC_ERR_HANDLE, "run", exmc_run_wait(run, 0, &err_));
}

static void test_run_cancel(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  o.chains = 2;
  o.tune = 100;
  o.draws = 1000000; /* far more than the test waits for (seconds), and columns of ~0.6 GB */
  exmc_run* run = NULL;
  CHECK_OK(exmc_run_start(m, &o, &run, &err_));
  if (run == NULL) {
    exmc_model_free(m);
    return;
  }
  struct ArrowSchema schema;
  struct ArrowArray batch;
  int got = 0;
  for (int i = 0; i < 100 && !got; i++) {
    char* err = NULL;
    int rc = exmc_run_next(run, 100, &schema, &batch, &err);
    exmc_free_error(err);
    if (rc == EXMC_OK) {
      got = 1;
      release_batch(&schema, &batch);
    }
  }
  CHECK(got);
  CHECK(exmc_run_wait(run, 0, NULL) == EXMC_TIMEOUT);
  CHECK(exmc_run_wait(run, 20, NULL) == EXMC_TIMEOUT);
  struct ArrowArrayStream stream;
  CHECK_ERR(EXMC_ERR_INVALID, "not ended", exmc_run_result(run, &stream, &err_));
  CHECK(stream.release == NULL);

  CHECK_OK(exmc_run_cancel(run, &err_));
  CHECK_OK(exmc_run_wait(run, 10000, &err_));
  exmc_progress p[2];
  size_t chains = 0;
  CHECK_OK(exmc_run_progress(run, p, 2, &chains, &err_));
  CHECK(chains == 2 && p[0].finished && p[1].finished && !p[0].failed && !p[1].failed);
  CHECK(p[0].draws_done < p[0].total);

  CHECK_ERR(EXMC_ERR_CANCELLED, "cancelled", exmc_run_result(run, &stream, &err_));
  CHECK(stream.release != NULL); /* the draws made before the cancel */
  if (stream.release != NULL && read_single_batch(&stream, &schema, &batch)) {
    CHECK(batch.length > 0 && batch.length < 2 * o.draws);
    release_batch(&schema, &batch);
  }
  /* Batches still queued may be taken; then the run is done. */
  int rc;
  while ((rc = exmc_run_next(run, 0, &schema, &batch, NULL)) == EXMC_OK) release_batch(&schema, &batch);
  CHECK(rc == EXMC_DONE);
  exmc_run_free(run);

  /* Freeing a run that is still going cancels it. */
  CHECK_OK(exmc_run_start(m, &o, &run, &err_));
  exmc_run_free(run);
  exmc_run_free(NULL);
  exmc_model_free(m);
}

/* Chain k sampled alone (first_chain = k) makes the draws of chain k of a
   run of all the chains, and is numbered k wherever chains are named. */
static void test_first_chain(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  CHECK(o.first_chain == 0);
  o.chains = 3;
  o.tune = 150;
  o.draws = 60;
  o.seed = 17;
  o.save_warmup = 1;
  struct ArrowArrayStream stream;
  struct ArrowSchema full_schema, schema;
  struct ArrowArray full, batch;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (!read_single_batch(&stream, &full_schema, &full)) {
    exmc_model_free(m);
    return;
  }
  const double* want = list_values(field_array(&full_schema, &full, "posterior", "theta"), 8);
  const int64_t* full_chain = i64_column(field_array(&full_schema, &full, NULL, "chain"));
  const int64_t rows = 150 + 60;

  /* chains 1 and 2 as a block, then chain 2 alone, through a run handle */
  for (int64_t first = 1; first <= 2; first++) {
    exmc_options_default(&o);
    o.chains = 3 - first;
    o.tune = 150;
    o.draws = 60;
    o.seed = 17;
    o.save_warmup = 1;
    o.first_chain = first;
    exmc_run* run = NULL;
    CHECK_OK(exmc_run_start(m, &o, &run, &err_));
    if (run == NULL) continue;
    int numbered = 1;
    while (exmc_run_next(run, -1, &schema, &batch, NULL) == EXMC_OK) {
      int64_t c = i64_column(field_array(&schema, &batch, NULL, "chain"))[0];
      numbered &= c >= first && c < 3;
      release_batch(&schema, &batch);
    }
    CHECK(numbered);
    exmc_progress p[2];
    CHECK_OK(exmc_run_progress(run, p, 2, NULL, &err_));
    CHECKF(p[0].chain == first, "progress names chain %lld", (long long)p[0].chain);
    CHECK_OK(exmc_run_result(run, &stream, &err_));
    if (read_single_batch(&stream, &schema, &batch)) {
      CHECK(batch.length == (3 - first) * rows);
      const int64_t* chain = i64_column(field_array(&schema, &batch, NULL, "chain"));
      const double* got = list_values(field_array(&schema, &batch, "posterior", "theta"), 8);
      int same = batch.length == (3 - first) * rows;
      for (int64_t r = 0; same && r < batch.length; r++) {
        int64_t fr = first * rows + r;
        same &= chain[r] == full_chain[fr];
        same &= memcmp(got + r * 8, want + fr * 8, 8 * sizeof(double)) == 0;
      }
      CHECKF(same, "first_chain %lld: draws differ from the full run", (long long)first);
      release_batch(&schema, &batch);
    }
    exmc_run_free(run);
  }
  release_batch(&full_schema, &full);

  /* A caller built against a header without first_chain gets chain 0. */
  exmc_options_default(&o);
  o.chains = 1;
  o.draws = 5;
  o.tune = 5;
  o.first_chain = 4;
  o.size = (uint32_t)offsetof(exmc_options, first_chain);
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECK(i64_column(field_array(&schema, &batch, NULL, "chain"))[0] == 0);
    release_batch(&schema, &batch);
  }
  exmc_options_default(&o);
  o.first_chain = -1;
  CHECK_ERR(EXMC_ERR_INVALID, "first_chain", exmc_sample(m, &o, &stream, &err_));
  exmc_model_free(m);
}

/* One chain of eight schools with the given metric, schedule and U-turn
   criterion, read by a library that sees only the first size bytes of the
   options; returns the last draw of mu (NaN on failure). */
static double last_mu(exmc_model* m, int32_t metric, int32_t schedule, int32_t criterion, uint32_t size) {
  exmc_options o;
  exmc_options_default(&o);
  o.chains = 1;
  o.tune = 100;
  o.draws = 20;
  o.seed = 5;
  o.metric = metric;
  o.schedule = schedule;
  o.criterion = criterion;
  o.size = size;
  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  double last = NAN;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    last = f64_column(field_array(&schema, &batch, "posterior", "mu"))[19];
    release_batch(&schema, &batch);
  }
  return last;
}

/* The adaptation and U-turn options: nutpie's gradient-informed metric,
   online schedule and displacement criterion by default, Stan's on request
   (other draws from the same seed), anything else refused; a caller built
   against a header without a field gets its default. */
static void test_adaptation_options(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  CHECK(o.metric == EXMC_METRIC_GRADIENT);
  CHECK(o.schedule == EXMC_SCHEDULE_ONLINE);
  CHECK(o.criterion == EXMC_CRITERION_DISPLACEMENT);
  const int32_t grad = EXMC_METRIC_GRADIENT, var = EXMC_METRIC_VARIANCE;
  const int32_t online = EXMC_SCHEDULE_ONLINE, windowed = EXMC_SCHEDULE_WINDOWED;
  const int32_t disp = EXMC_CRITERION_DISPLACEMENT, sum = EXMC_CRITERION_MOMENTUM_SUM;
  uint32_t full = (uint32_t)sizeof(exmc_options);
  double base = last_mu(m, grad, online, disp, full);
  CHECK(!isnan(base));
  CHECK(last_mu(m, var, online, disp, full) != base);
  CHECK(last_mu(m, grad, windowed, disp, full) != base);
  CHECK(last_mu(m, grad, online, sum, full) != base);
  /* not read: past the caller's size */
  CHECK(last_mu(m, var, windowed, sum, (uint32_t)offsetof(exmc_options, metric)) == base);
  CHECK(last_mu(m, grad, windowed, sum, (uint32_t)offsetof(exmc_options, schedule)) == base);
  CHECK(last_mu(m, grad, online, sum, (uint32_t)offsetof(exmc_options, criterion)) == base);
  struct ArrowArrayStream stream;
  exmc_options_default(&o);
  o.metric = 99; /* no such estimator */
  CHECK_ERR(EXMC_ERR_INVALID, "metric", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.schedule = -1;
  CHECK_ERR(EXMC_ERR_INVALID, "schedule", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.criterion = 7;
  CHECK_ERR(EXMC_ERR_INVALID, "criterion", exmc_sample(m, &o, &stream, &err_));
  exmc_model_free(m);
}

/* ---- a model from a C function ---------------------------------------- */

static atomic_long normal_calls;

/* A standard normal; ctx points at a call counter. */
static int std_normal(size_t dim, const double* x, double* logp, double* grad, void* ctx) {
  atomic_fetch_add((atomic_long*)ctx, 1);
  double lp = 0;
  for (size_t i = 0; i < dim; i++) {
    lp -= 0.5 * x[i] * x[i];
    if (grad) grad[i] = -x[i];
  }
  *logp = lp;
  return 0;
}

/* Fails for good once x[0] > 1: every chain gets there. */
static int failing(size_t dim, const double* x, double* logp, double* grad, void* ctx) {
  (void)ctx;
  if (x[0] > 1) return -3;
  return std_normal(dim, x, logp, grad, &normal_calls);
}

/* Invalid (a divergence, not an error) outside the unit ball's 3-radius. */
static int bounded(size_t dim, const double* x, double* logp, double* grad, void* ctx) {
  (void)ctx;
  double r2 = 0;
  for (size_t i = 0; i < dim; i++) r2 += x[i] * x[i];
  if (r2 > 9) return 1;
  return std_normal(dim, x, logp, grad, &normal_calls);
}

static void test_function_model(void) {
  exmc_model* m = NULL;
  atomic_store(&normal_calls, 0);
  CHECK_OK(exmc_model_from_function(3, std_normal, &normal_calls, NULL, &m, &err_));
  if (m == NULL) return;
  const char* names = NULL;
  CHECK_OK(exmc_model_param_names(m, 0, &names, &err_));
  CHECKF(names && strcmp(names, "x[0],x[1],x[2]") == 0, "%s", names ? names : "NULL");
  size_t dim = 0, size = 0;
  CHECK_OK(exmc_model_dim(m, &dim, &err_));
  CHECK_OK(exmc_model_constrained_size(m, &size, &err_));
  CHECK(dim == 3 && size == 3);

  double x[3] = {0.5, -1, 2}, grad[3], lp, out[3];
  CHECK_OK(exmc_log_density_gradient(m, x, 3, &lp, grad, &err_));
  CHECK(lp == -0.5 * (0.25 + 1 + 4) && grad[0] == -0.5 && grad[1] == 1 && grad[2] == -2);
  CHECK_OK(exmc_constrain(m, x, 3, out, 3, &err_));
  CHECK(memcmp(x, out, sizeof x) == 0);
  CHECK(atomic_load(&normal_calls) == 1);

  exmc_options o;
  exmc_options_default(&o);
  o.seed = 11;
  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  CHECK(atomic_load(&normal_calls) > 4 * 2000);
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECK(batch.length == 4000);
    const struct ArrowSchema* sx = field_schema(&schema, "posterior", "x");
    CHECK(sx != NULL && field_schema(&schema, NULL, "posterior")->n_children == 1 && schema.n_children == 5);
    if (sx != NULL) {
      CHECK(strcmp(sx->format, "+w:3") == 0);
      const double* v = list_values(field_array(&schema, &batch, "posterior", "x"), 3);
      /* Means within 0.1 and variances within 0.15 of the truth: about six
         standard errors with the effective sample sizes NUTS reaches here. */
      for (int i = 0; i < 3; i++) {
        double s = 0, ss = 0;
        for (int64_t r = 0; r < batch.length; r++) s += v[r * 3 + i];
        double mean = s / batch.length;
        for (int64_t r = 0; r < batch.length; r++) ss += (v[r * 3 + i] - mean) * (v[r * 3 + i] - mean);
        double var = ss / (batch.length - 1);
        CHECKF(fabs(mean) < 0.1, "x[%d]: mean %.4f", i, mean);
        CHECKF(fabs(var - 1) < 0.15, "x[%d]: variance %.4f", i, var);
      }
    }
    release_batch(&schema, &batch);
  }
  char* info = NULL;
  CHECK_OK(exmc_model_info(m, &info, &err_));
  CHECKF(info && strstr(info, "\"vars\":[{\"name\":\"x\",\"kind\":\"free\",\"shape\":[3]"), "%s", info ? info : "");
  exmc_free_string(info);
  exmc_model_free(m);

  /* Named coordinates: one scalar column each. */
  CHECK_OK(exmc_model_from_function(3, std_normal, &normal_calls, "a,b[0],b[1]", &m, &err_));
  CHECK_OK(exmc_model_param_names(m, 1, &names, &err_));
  CHECKF(names && strcmp(names, "a,b[0],b[1]") == 0, "%s", names ? names : "NULL");
  o.draws = 100;
  o.tune = 100;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    const struct ArrowSchema* post = field_schema(&schema, NULL, "posterior");
    CHECK(post && post->n_children == 2 && child_index(post, "a") == 0 && child_index(post, "b") == 1);
    release_batch(&schema, &batch);
  }
  exmc_model_free(m);

  /* Invalid points are divergences; sampling goes on. */
  CHECK_OK(exmc_model_from_function(3, bounded, NULL, NULL, &m, &err_));
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) release_batch(&schema, &batch);
  CHECK_ERR(EXMC_ERR_NUMERIC, "invalid point", exmc_log_density_gradient(m, (double[]){4, 4, 4}, 3, &lp, NULL, &err_));
  exmc_model_free(m);

  /* A negative return stops the chain: the others' draws still come back. */
  CHECK_OK(exmc_model_from_function(3, failing, NULL, NULL, &m, &err_));
  o.chains = 2;
  stream.release = NULL;
  CHECK_ERR(EXMC_ERR_CHAINS, "chain 1:", exmc_sample(m, &o, &stream, &err_));
  CHECK(stream.release != NULL);
  if (stream.release && read_single_batch(&stream, &schema, &batch)) release_batch(&schema, &batch);

  exmc_run* run = NULL;
  CHECK_OK(exmc_run_start(m, &o, &run, &err_));
  CHECK_OK(exmc_run_wait(run, -1, &err_));
  exmc_progress p[2];
  CHECK_OK(exmc_run_progress(run, p, 2, NULL, &err_));
  CHECK(p[0].failed && p[1].failed && p[0].finished);
  char* msg = NULL;
  CHECK_OK(exmc_run_chain_error(run, 0, &msg, &err_));
  CHECKF(msg && strstr(msg, "chain 0") && strstr(msg, "-3"), "%s", msg ? msg : "NULL");
  exmc_free_string(msg);
  CHECK_ERR(EXMC_ERR_CHAINS, "2 of 2 chains failed", exmc_run_result(run, &stream, &err_));
  if (stream.release && read_single_batch(&stream, &schema, &batch)) release_batch(&schema, &batch);
  exmc_run_free(run);
  exmc_model_free(m);
}

/* ---- errors ------------------------------------------------------------- */

static void test_errors(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  size_t dim;
  double x[10] = {0}, lp, out[11];

  CHECK_ERR(EXMC_ERR_HANDLE, "model is NULL", exmc_model_dim(NULL, &dim, &err_));
  exmc_model* forged = (exmc_model*)(uintptr_t)0xdeadbee0;
  CHECK_ERR(EXMC_ERR_HANDLE, "not a live model handle", exmc_model_dim(forged, &dim, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "dim is NULL", exmc_model_dim(m, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "logp is NULL", exmc_log_density_gradient(m, x, 10, NULL, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "x is NULL", exmc_log_density_gradient(m, NULL, 10, &lp, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "n is 3", exmc_log_density_gradient(m, x, 3, &lp, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "out_len is 10", exmc_constrain(m, x, 10, out, 10, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "names is NULL", exmc_model_param_names(m, 0, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "json is NULL", exmc_model_info(m, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "threads", exmc_set_threads(0, &err_));
  /* A NULL err is allowed: the code alone comes back. */
  CHECK(exmc_model_dim(NULL, &dim, NULL) == EXMC_ERR_HANDLE);

  exmc_model* bad = (exmc_model*)1;
  const char* json = "{\"format\": \"exmc.model/v1\", \"nodes\": [";
  CHECK_ERR(EXMC_ERR_MODEL, "JSON", exmc_model_from_json(json, strlen(json), &bad, &err_));
  CHECK(bad == NULL);
  json = "{\"format\": \"exmc.model/v1\", \"nodes\": [{\"name\": \"theta\", \"kind\": \"free\", \"dist\": \"Nromal\"}]}";
  CHECK_ERR(EXMC_ERR_MODEL, "theta", exmc_model_from_json(json, strlen(json), &bad, &err_));
  json = "{\"format\": \"exmc.model/v1\", \"nodes\": [{\"name\": \"lp\", \"kind\": \"free\", \"dist\": \"Normal\"}]}";
  exmc_model* named_lp = NULL; /* a variable may have a statistic's name (see test_reserved_looking_names) */
  CHECK_OK(exmc_model_from_json(json, strlen(json), &named_lp, &err_));
  exmc_model_free(named_lp);
  CHECK_ERR(EXMC_ERR_INVALID, "json is NULL", exmc_model_from_json(NULL, 3, &bad, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "out is NULL", exmc_model_from_json(EIGHT_SCHOOLS, strlen(EIGHT_SCHOOLS), NULL, &err_));
  /* len counts bytes: the JSON need not end in a NUL. */
  CHECK_ERR(EXMC_ERR_MODEL, "JSON", exmc_model_from_json(EIGHT_SCHOOLS, 20, &bad, &err_));

  CHECK_ERR(EXMC_ERR_INVALID, "fn is NULL", exmc_model_from_function(3, NULL, NULL, NULL, &bad, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "dim", exmc_model_from_function(0, std_normal, NULL, NULL, &bad, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "2 names", exmc_model_from_function(3, std_normal, NULL, "a,b", &bad, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "twice", exmc_model_from_function(2, std_normal, NULL, "a,a", &bad, &err_));

  exmc_options o;
  exmc_options_default(&o);
  struct ArrowArrayStream stream;
  exmc_run* run = NULL;
  o.draws = 0;
  CHECK_ERR(EXMC_ERR_INVALID, "draws", exmc_sample(m, &o, &stream, &err_));
  CHECK(stream.release == NULL);
  CHECK_ERR(EXMC_ERR_INVALID, "draws", exmc_run_start(m, &o, &run, &err_));
  CHECK(run == NULL);
  exmc_options_default(&o);
  o.chains = 0;
  CHECK_ERR(EXMC_ERR_INVALID, "chains", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.target_accept = 1.5;
  CHECK_ERR(EXMC_ERR_INVALID, "target_accept", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.max_treedepth = 0;
  CHECK_ERR(EXMC_ERR_INVALID, "max_treedepth", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.save_warmup = 2;
  CHECK_ERR(EXMC_ERR_INVALID, "save_warmup", exmc_sample(m, &o, &stream, &err_));
  exmc_options_default(&o);
  o.size = 0;
  CHECK_ERR(EXMC_ERR_INVALID, "exmc_options_default", exmc_sample(m, &o, &stream, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "options is NULL", exmc_sample(m, NULL, &stream, &err_));
  exmc_options_default(&o);
  CHECK_ERR(EXMC_ERR_INVALID, "out is NULL", exmc_sample(m, &o, NULL, &err_));
  double nan_init[40];
  for (int i = 0; i < 40; i++) nan_init[i] = i == 13 ? NAN : 0;
  o.init = nan_init;
  CHECK_ERR(EXMC_ERR_INVALID, "init[13]", exmc_sample(m, &o, &stream, &err_));

  /* Run handles and model handles are not interchangeable. */
  exmc_options_default(&o);
  o.draws = 10;
  o.tune = 10;
  CHECK_OK(exmc_run_start(m, &o, &run, &err_));
  CHECK_ERR(EXMC_ERR_HANDLE, "is a run handle", exmc_model_dim((exmc_model*)run, &dim, &err_));
  CHECK_ERR(EXMC_ERR_HANDLE, "is a model handle", exmc_run_cancel((exmc_run*)m, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "schema is NULL", exmc_run_next(run, 0, NULL, NULL, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "message is NULL", exmc_run_chain_error(run, 0, NULL, &err_));
  exmc_model_free((exmc_model*)run); /* not a model: ignored */
  exmc_run_free((exmc_run*)m);       /* not a run: ignored */
  CHECK_OK(exmc_run_wait(run, -1, &err_));
  exmc_run_free(run);
  CHECK_ERR(EXMC_ERR_HANDLE, "run is NULL", exmc_run_cancel(NULL, &err_));
  CHECK_ERR(EXMC_ERR_HANDLE, "not a live run handle", exmc_run_cancel(run, &err_));
  exmc_run_free(run); /* freeing twice is harmless */

  exmc_model_free(m);
  CHECK_ERR(EXMC_ERR_HANDLE, "not a live model handle", exmc_model_dim(m, &dim, &err_));
  CHECK_ERR(EXMC_ERR_HANDLE, "not a live model handle", exmc_sample(m, &o, &stream, &err_));
  exmc_model_free(m);
  exmc_model_free(NULL);
  exmc_free_error(NULL);
  exmc_free_string(NULL);
  exmc_options_default(NULL);
}

/* ---- data as Arrow ------------------------------------------------------- */

/* A record batch built by hand, as a C producer would: a struct array with
   a float64 column y_obs and an int64 column sigma, 8 rows. */
struct producer {
  int schema_released, array_released;
  double y[8];
  int64_t sigma[8];
  const void* struct_buffers[1];
  const void* y_buffers[2];
  const void* sigma_buffers[2];
  struct ArrowSchema child_schemas[2], *child_schema_ptrs[2];
  struct ArrowArray child_arrays[2], *child_array_ptrs[2];
};

static void release_child_schema(struct ArrowSchema* s) { s->release = NULL; }
static void release_child_array(struct ArrowArray* a) { a->release = NULL; }

static void release_schema(struct ArrowSchema* s) {
  struct producer* p = s->private_data;
  for (int i = 0; i < 2; i++)
    if (p->child_schemas[i].release) p->child_schemas[i].release(&p->child_schemas[i]);
  p->schema_released++;
  s->release = NULL;
}

static void release_array(struct ArrowArray* a) {
  struct producer* p = a->private_data;
  for (int i = 0; i < 2; i++)
    if (p->child_arrays[i].release) p->child_arrays[i].release(&p->child_arrays[i]);
  p->array_released++;
  a->release = NULL;
}

static void make_batch(struct producer* p, const char* y_format, struct ArrowSchema* schema,
                       struct ArrowArray* array) {
  memset(p, 0, sizeof *p);
  memcpy(p->y, Y_OBS, sizeof p->y);
  memcpy(p->sigma, SIGMA, sizeof p->sigma);
  const char* names[2] = {"y_obs", "sigma"};
  const char* formats[2] = {y_format, "l"};
  p->y_buffers[1] = p->y;
  p->sigma_buffers[1] = p->sigma;
  const void** bufs[2] = {p->y_buffers, p->sigma_buffers};
  for (int i = 0; i < 2; i++) {
    p->child_schemas[i] = (struct ArrowSchema){.format = formats[i], .name = names[i], .release = release_child_schema};
    p->child_schema_ptrs[i] = &p->child_schemas[i];
    p->child_arrays[i] = (struct ArrowArray){.length = 8, .n_buffers = 2, .buffers = bufs[i], .release = release_child_array};
    p->child_array_ptrs[i] = &p->child_arrays[i];
  }
  *schema = (struct ArrowSchema){.format = "+s", .name = "", .n_children = 2, .children = p->child_schema_ptrs,
                                 .release = release_schema, .private_data = p};
  *array = (struct ArrowArray){.length = 8, .n_buffers = 1, .buffers = p->struct_buffers, .n_children = 2,
                               .children = p->child_array_ptrs, .release = release_array, .private_data = p};
}

/* The same data as the header's main form describes it: one row, each
   column a fixed_size_list<...>[8] holding a node's values. */
struct list_producer {
  int schema_released, array_released;
  double y[8];
  int64_t sigma[8];
  const void* no_validity[1];
  const void* y_buffers[2];
  const void* sigma_buffers[2];
  struct ArrowSchema lists[2], items[2], *list_ptrs[2], *item_ptrs[2];
  struct ArrowArray list_arrays[2], values[2], *list_array_ptrs[2], *value_ptrs[2];
};

static void release_list_schema(struct ArrowSchema* s) {
  struct list_producer* p = s->private_data;
  for (int i = 0; i < 2; i++) p->lists[i].release = p->items[i].release = NULL;
  p->schema_released++;
  s->release = NULL;
}

static void release_list_array(struct ArrowArray* a) {
  struct list_producer* p = a->private_data;
  for (int i = 0; i < 2; i++) p->list_arrays[i].release = p->values[i].release = NULL;
  p->array_released++;
  a->release = NULL;
}

static void make_list_batch(struct list_producer* p, struct ArrowSchema* schema, struct ArrowArray* array) {
  memset(p, 0, sizeof *p);
  memcpy(p->y, Y_OBS, sizeof p->y);
  memcpy(p->sigma, SIGMA, sizeof p->sigma);
  const char* names[2] = {"y_obs", "sigma"};
  const char* formats[2] = {"g", "l"};
  p->y_buffers[1] = p->y;
  p->sigma_buffers[1] = p->sigma;
  const void** bufs[2] = {p->y_buffers, p->sigma_buffers};
  for (int i = 0; i < 2; i++) {
    p->items[i] = (struct ArrowSchema){.format = formats[i], .name = "item", .release = release_child_schema};
    p->item_ptrs[i] = &p->items[i];
    p->lists[i] = (struct ArrowSchema){.format = "+w:8", .name = names[i], .n_children = 1,
                                       .children = &p->item_ptrs[i], .release = release_child_schema};
    p->list_ptrs[i] = &p->lists[i];
    p->values[i] = (struct ArrowArray){.length = 8, .n_buffers = 2, .buffers = bufs[i], .release = release_child_array};
    p->value_ptrs[i] = &p->values[i];
    p->list_arrays[i] = (struct ArrowArray){.length = 1, .n_buffers = 1, .buffers = p->no_validity, .n_children = 1,
                                            .children = &p->value_ptrs[i], .release = release_child_array};
    p->list_array_ptrs[i] = &p->list_arrays[i];
  }
  *schema = (struct ArrowSchema){.format = "+s", .name = "", .n_children = 2, .children = p->list_ptrs,
                                 .release = release_list_schema, .private_data = p};
  *array = (struct ArrowArray){.length = 1, .n_buffers = 1, .buffers = p->no_validity, .n_children = 2,
                               .children = p->list_array_ptrs, .release = release_list_array, .private_data = p};
}

static void test_arrow_data(void) {
  struct producer p;
  struct ArrowSchema schema;
  struct ArrowArray array;
  make_batch(&p, "g", &schema, &array);
  exmc_model* m = NULL;
  CHECK_OK(exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA, strlen(EIGHT_SCHOOLS_NO_DATA), &schema, &array, &m,
                                      &err_));
  CHECK(array.release == NULL);  /* moved */
  CHECK(schema.release == NULL); /* consumed */
  CHECK(p.schema_released == 1);
  CHECK(p.array_released == 0); /* read in place, kept until the model goes */
  exmc_model* inline_model = eight_schools();
  if (m != NULL && inline_model != NULL) {
    double x[10], lp1, lp2, g1[10], g2[10];
    for (int i = 0; i < 10; i++) x[i] = 0.1 * i - 0.4;
    CHECK_OK(exmc_log_density_gradient(m, x, 10, &lp1, g1, &err_));
    CHECK_OK(exmc_log_density_gradient(inline_model, x, 10, &lp2, g2, &err_));
    CHECKF(lp1 == lp2 && memcmp(g1, g2, sizeof g1) == 0, "%.17g vs %.17g", lp1, lp2);
  }
  exmc_model_free(m);
  CHECK(p.array_released == 1);

  struct list_producer lp;
  make_list_batch(&lp, &schema, &array);
  m = NULL;
  CHECK_OK(exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA, strlen(EIGHT_SCHOOLS_NO_DATA), &schema, &array, &m,
                                      &err_));
  CHECK(array.release == NULL && schema.release == NULL && lp.schema_released == 1 && lp.array_released == 0);
  if (m != NULL && inline_model != NULL) {
    double x[10], lp1, lp2;
    for (int i = 0; i < 10; i++) x[i] = 0.2 * i - 1;
    CHECK_OK(exmc_log_density_gradient(m, x, 10, &lp1, NULL, &err_));
    CHECK_OK(exmc_log_density_gradient(inline_model, x, 10, &lp2, NULL, &err_));
    CHECKF(lp1 == lp2, "%.17g vs %.17g", lp1, lp2);
  }
  exmc_model_free(m);
  CHECK(lp.array_released == 1);
  exmc_model_free(inline_model);

  /* A column of the wrong type is refused, and still released. */
  make_batch(&p, "f", &schema, &array);
  CHECK_ERR(EXMC_ERR_INVALID, "y_obs", exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA,
                                                                  strlen(EIGHT_SCHOOLS_NO_DATA), &schema, &array,
                                                                  &m, &err_));
  CHECK(p.schema_released == 1 && p.array_released == 1);

  /* Data the model does not declare is a model error naming it. */
  make_batch(&p, "g", &schema, &array);
  CHECK_ERR(EXMC_ERR_MODEL, "y_obs", exmc_model_from_json_arrow(EIGHT_SCHOOLS, strlen(EIGHT_SCHOOLS), &schema,
                                                                &array, &m, &err_));
  CHECK(p.schema_released == 1 && p.array_released == 1);

  /* Without the data, the model is incomplete. */
  CHECK_ERR(EXMC_ERR_MODEL, "y_obs", exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA,
                                                                strlen(EIGHT_SCHOOLS_NO_DATA), NULL, NULL, &m, &err_));
  make_batch(&p, "g", &schema, &array);
  CHECK_ERR(EXMC_ERR_INVALID, "schema is NULL", exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA,
                                                                           strlen(EIGHT_SCHOOLS_NO_DATA), NULL,
                                                                           &array, &m, &err_));
  CHECK(p.array_released == 1);
  schema.release(&schema);
}

/* A producer whose children are released by their parent's release alone,
   as the C data interface has it: a child's release called by anyone else
   is counted, and so is one called twice. */
struct strict_producer {
  int in_parent_release, children_released_outside, children_released_twice, parent_released;
  double y[8];
  int64_t sigma[8];
  const void* struct_buffers[1];
  const void* bufs[2][2];
  struct ArrowSchema child_schemas[2], *child_schema_ptrs[2];
  struct ArrowArray child_arrays[2], *child_array_ptrs[2];
};

static void strict_release_child_schema(struct ArrowSchema* s) {
  struct strict_producer* p = s->private_data;
  if (!p->in_parent_release) p->children_released_outside++;
  s->release = NULL;
}

static void strict_release_schema(struct ArrowSchema* s) {
  struct strict_producer* p = s->private_data;
  p->in_parent_release = 1;
  for (int i = 0; i < 2; i++) {
    if (p->child_schemas[i].release) {
      p->child_schemas[i].release(&p->child_schemas[i]);
    } else {
      p->children_released_twice++;
    }
  }
  p->in_parent_release = 0;
  p->parent_released++;
  s->release = NULL;
}

static void strict_release_array(struct ArrowArray* a) {
  struct strict_producer* p = a->private_data;
  for (int i = 0; i < 2; i++) p->child_arrays[i].release = NULL;
  a->release = NULL;
}

static void make_strict_batch(struct strict_producer* p, const char* y_format, struct ArrowSchema* schema,
                              struct ArrowArray* array) {
  memset(p, 0, sizeof *p);
  memcpy(p->y, Y_OBS, sizeof p->y);
  memcpy(p->sigma, SIGMA, sizeof p->sigma);
  const char* names[2] = {"y_obs", "sigma"};
  const char* formats[2] = {y_format, "l"};
  p->bufs[0][1] = p->y;
  p->bufs[1][1] = p->sigma;
  for (int i = 0; i < 2; i++) {
    p->child_schemas[i] = (struct ArrowSchema){.format = formats[i], .name = names[i],
                                               .release = strict_release_child_schema, .private_data = p};
    p->child_schema_ptrs[i] = &p->child_schemas[i];
    p->child_arrays[i] = (struct ArrowArray){.length = 8, .n_buffers = 2, .buffers = p->bufs[i],
                                             .release = strict_release_array, .private_data = p};
    p->child_array_ptrs[i] = &p->child_arrays[i];
  }
  *schema = (struct ArrowSchema){.format = "+s", .name = "", .n_children = 2, .children = p->child_schema_ptrs,
                                 .release = strict_release_schema, .private_data = p};
  *array = (struct ArrowArray){.length = 8, .n_buffers = 1, .buffers = p->struct_buffers, .n_children = 2,
                               .children = p->child_array_ptrs, .release = strict_release_array, .private_data = p};
}

/* exmc_model_from_json_arrow releases a schema through its parent's
   release only, whether the import succeeds or fails. */
static void test_arrow_child_release(void) {
  const char* formats[2] = {"g", "f"}; /* accepted, then refused */
  for (int k = 0; k < 2; k++) {
    struct strict_producer p;
    struct ArrowSchema schema;
    struct ArrowArray array;
    make_strict_batch(&p, formats[k], &schema, &array);
    exmc_model* m = NULL;
    char* err = NULL;
    int rc = exmc_model_from_json_arrow(EIGHT_SCHOOLS_NO_DATA, strlen(EIGHT_SCHOOLS_NO_DATA), &schema, &array, &m, &err);
    CHECKF(rc == (k == 0 ? EXMC_OK : EXMC_ERR_INVALID), "format %s: rc %d: %s", formats[k], rc, err ? err : "");
    exmc_free_error(err);
    CHECKF(p.children_released_outside == 0, "format %s: %d child schemas released by the consumer", formats[k],
           p.children_released_outside);
    CHECKF(p.children_released_twice == 0, "format %s: %d child schemas already released when the parent was",
           formats[k], p.children_released_twice);
    CHECKF(p.parent_released == 1, "format %s: parent released %d times", formats[k], p.parent_released);
    CHECK(schema.release == NULL && array.release == NULL);
    exmc_model_free(m);
  }
}

/* ---- variables named like the draws' other columns ---------------------- */

/* A function model whose coordinates are named like the statistics and the
   index: they are the posterior's, and the statistics stay the sampler's
   (lp is the log-density at the draw, -|x|^2 / 2 here). */
static void test_reserved_looking_names(void) {
  exmc_model* m = NULL;
  CHECK_OK(exmc_model_from_function(5, std_normal, &normal_calls, "lp,chain,draw,step_size,sample_stats", &m, &err_));
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  o.seed = 3;
  o.chains = 2;
  o.draws = 100;
  o.tune = 100;
  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    const char* names[5] = {"lp", "chain", "draw", "step_size", "sample_stats"};
    check_fields(&schema, "posterior", names, 5);
    check_fields(&schema, "sample_stats", EXPECTED_STATS, N_STATS);
    const double* x[5];
    int found = 1;
    for (int i = 0; i < 5; i++) {
      const struct ArrowArray* a = field_array(&schema, &batch, "posterior", names[i]);
      found &= a != NULL;
      x[i] = a ? f64_column(a) : NULL;
    }
    const double* lp = f64_column(field_array(&schema, &batch, "sample_stats", "lp"));
    const int64_t* chain = i64_column(field_array(&schema, &batch, NULL, "chain"));
    CHECK(found);
    int ok = found && batch.length == 200;
    for (int64_t r = 0; ok && r < batch.length; r++) {
      double want = 0;
      for (int i = 0; i < 5; i++) want -= 0.5 * x[i][r] * x[i][r];
      ok &= fabs(lp[r] - want) <= 1e-12 * (1 + fabs(want)) && chain[r] == r / 100;
    }
    CHECKF(ok, "the statistics and the index are not the sampler's");
    release_batch(&schema, &batch);
  }
  exmc_model_free(m);
}

/* ---- a C function that does not write its outputs ---------------------- */

/* Says it succeeded but writes nothing once x[0] > 1; a standard normal
   elsewhere. */
static int silent_past_one(size_t dim, const double* x, double* logp, double* grad, void* ctx) {
  if (x[0] > 1) return 0;
  return std_normal(dim, x, logp, grad, ctx);
}

/* Writes logp and every entry of the gradient but the last. */
static int short_gradient(size_t dim, const double* x, double* logp, double* grad, void* ctx) {
  (void)ctx;
  *logp = 0;
  for (size_t i = 0; i + 1 < dim && grad; i++) grad[i] = -x[i];
  return 0;
}

/* The values of variable name in a batch of draws, a fixed_size_list of
   width values per row; NULL when there is no such column. */
static const double* variable_values(const struct ArrowSchema* schema, const struct ArrowArray* batch,
                                     const char* name, int64_t width) {
  const struct ArrowArray* a = field_array(schema, batch, "posterior", name);
  return a == NULL ? NULL : list_values(a, width);
}

/* An output the function leaves unwritten is NaN, never the value of the
   call before: the point is invalid, so no draw lands where the function
   fails, and exmc_log_density_gradient says what was missing. */
static void test_function_unwritten(void) {
  exmc_model* m = NULL;
  CHECK_OK(exmc_model_from_function(2, silent_past_one, &normal_calls, NULL, &m, &err_));
  if (m == NULL) return;
  double lp = 0, grad[2] = {0, 0};
  CHECK_OK(exmc_log_density_gradient(m, (double[]){0.5, 0}, 2, &lp, grad, &err_));
  CHECK(lp == -0.125 && grad[0] == -0.5);
  CHECK_ERR(EXMC_ERR_NUMERIC, "without writing logp",
            exmc_log_density_gradient(m, (double[]){2, 0}, 2, &lp, grad, &err_));

  exmc_options o;
  exmc_options_default(&o);
  o.seed = 5;
  o.draws = 500;
  o.tune = 500;
  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    const double* x = variable_values(&schema, &batch, "x", 2);
    CHECK(x != NULL && batch.length == 4 * 500);
    int64_t beyond = 0, near = 0;
    for (int64_t r = 0; x && r < batch.length; r++) {
      beyond += x[2 * r] > 1;
      near += x[2 * r] > 0.5;
    }
    CHECKF(beyond == 0, "%lld of %lld draws where the function wrote nothing", (long long)beyond,
           (long long)batch.length);
    CHECKF(near > 100, "only %lld draws in (0.5, 1]: the sampler did not get near the edge", (long long)near);
    release_batch(&schema, &batch);
  }
  exmc_model_free(m);

  CHECK_OK(exmc_model_from_function(3, short_gradient, NULL, NULL, &m, &err_));
  if (m == NULL) return;
  double g3[3];
  CHECK_ERR(EXMC_ERR_NUMERIC, "without writing grad[2]",
            exmc_log_density_gradient(m, (double[]){1, 2, 3}, 3, &lp, g3, &err_));
  CHECK_OK(exmc_log_density_gradient(m, (double[]){1, 2, 3}, 3, &lp, NULL, &err_));
  exmc_model_free(m);
}

/* ---- sizes and limits: every request is checked before it is allocated --- */

/* Compiles a document, expecting failure with code and a message holding
   want. */
static void check_model_refused(const char* json, int code, const char* want) {
  exmc_model* m = NULL;
  CHECK_ERR(code, want, exmc_model_from_json(json, strlen(json), &m, &err_));
  CHECK(m == NULL);
}

static void test_limits_threads(void) {
  /* INT_MAX aborted the process in the Go runtime; 100000 hung in 2.2 GB */
  CHECK_ERR(EXMC_ERR_INVALID, "threads must be in [1, 1024]", exmc_set_threads(INT_MAX, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "threads must be in [1, 1024]", exmc_set_threads(100000, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "EXMC_MAX_THREADS", exmc_set_threads(EXMC_MAX_THREADS + 1, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "threads", exmc_set_threads(-5, &err_));
  CHECK_OK(exmc_set_threads(EXMC_MAX_THREADS, &err_));
  CHECK_OK(exmc_set_threads(2, &err_));

  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  o.cores = EXMC_MAX_THREADS + 1;
  struct ArrowArrayStream stream;
  CHECK_ERR(EXMC_ERR_INVALID, "cores must be in [0, 1024]", exmc_sample(m, &o, &stream, &err_));
  CHECK(stream.release == NULL);
  o.cores = INT64_MAX;
  exmc_run* run = NULL;
  CHECK_ERR(EXMC_ERR_INVALID, "cores", exmc_run_start(m, &o, &run, &err_));
  CHECK(run == NULL);
  exmc_model_free(m);
}

static void test_limits_models(void) {
  /* a trillion elements, and a product that wraps to 0 in 64 bits: the
     first ended the process, the second compiled with size 0 */
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"x\",\"kind\":\"free\","
                      "\"dist\":\"Normal\",\"shape\":[1000000000000]}]}",
                      EXMC_ERR_MODEL, "node \"x\": shape (1000000000000,) has more than 2147483647 elements");
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"x\",\"kind\":\"free\","
                      "\"dist\":\"Normal\",\"shape\":[4294967296,4294967296,16]}]}",
                      EXMC_ERR_MODEL, "node \"x\": shape (4294967296, 4294967296, 16) has more than");
  /* refused when built, not after a run */
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"x\",\"kind\":\"free\","
                      "\"dist\":\"Normal\",\"shape\":[3]},{\"name\":\"s\",\"kind\":\"deterministic\","
                      "\"expr\":{\"op\":\"slice\",\"args\":[{\"ref\":\"x\"}],\"start\":1,\"stop\":1}}]}",
                      EXMC_ERR_MODEL, "node \"s\": its value has shape (0,), no elements");
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"u\",\"kind\":\"free\","
                      "\"dist\":\"Uniform\",\"params\":{\"lower\":2,\"upper\":2}}]}",
                      EXMC_ERR_MODEL, "node \"u\": Uniform: lower must be less than upper, got 2 and 2");
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"a,b\",\"kind\":\"free\","
                      "\"dist\":\"Normal\",\"shape\":[2]}]}",
                      EXMC_ERR_MODEL, "node \"a,b\": the name has a comma");
  check_model_refused("{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"x\",\"kind\":\"free\","
                      "\"dist\":\"Normal\",\"shape\":[2]},{\"name\":\"x[1]\",\"kind\":\"free\",\"dist\":\"Normal\"}]}",
                      EXMC_ERR_MODEL, "node \"x[1]\": its name is also the name of an element of node \"x\"");

  /* a name with spaces, dots and unicode works, and is listed as given */
  const char* ok = "{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"my v.\xce\xb8\",\"kind\":\"free\","
                   "\"dist\":\"Normal\",\"shape\":[2]}]}";
  exmc_model* m = NULL;
  CHECK_OK(exmc_model_from_json(ok, strlen(ok), &m, &err_));
  if (m != NULL) {
    const char* names = NULL;
    CHECK_OK(exmc_model_param_names(m, 1, &names, &err_));
    CHECKF(names && strcmp(names, "my v.\xce\xb8[0],my v.\xce\xb8[1]") == 0, "names %s", names ? names : "NULL");
    exmc_model_free(m);
  }

  /* a length far beyond the document: refused before a byte is read */
  const char* tiny = "{}";
  CHECK_ERR(EXMC_ERR_INVALID, "reading a model document of 549755813888 bytes needs about",
            exmc_model_from_json(tiny, (size_t)1 << 39, &m, &err_));
  CHECK(m == NULL);

  /* a function model whose names alone would take terabytes */
  CHECK_ERR(EXMC_ERR_INVALID, "a function model of dimension 68719476736 needs about",
            exmc_model_from_function((size_t)1 << 36, std_normal, NULL, NULL, &m, &err_));
  CHECK(m == NULL);
}

static void test_limits_memory(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  exmc_options o;
  exmc_options_default(&o);
  struct ArrowArrayStream stream;
  exmc_run* run = NULL;

  /* 100 GB of draws passed the old check of 2^40 values; 9e10 draws of 11
     values (under 2^40 values, about 45 TB) are refused on any machine */
  o.draws = 90000000000;
  o.chains = 1;
  CHECK_ERR(EXMC_ERR_INVALID, "sampling 1 chain of 90000000000 draws", exmc_sample(m, &o, &stream, &err_));
  CHECK(stream.release == NULL);
  CHECK_ERR(EXMC_ERR_INVALID, "reporting 11 values a draw needs about", exmc_run_start(m, &o, &run, &err_));
  CHECK(run == NULL);

  /* a limit set by the caller, lower than the machine's, then lifted */
  exmc_options_default(&o);
  o.draws = 100;
  o.tune = 100;
  CHECK_OK(exmc_set_memory_limit(1 << 16, &err_));
  CHECK_ERR(EXMC_ERR_INVALID, "65536 bytes (64.0 KiB) available (the limit set with exmc_set_memory_limit)",
            exmc_sample(m, &o, &stream, &err_));
  const char* big = "{\"format\":\"exmc.model/v1\",\"nodes\":[{\"name\":\"x\",\"kind\":\"free\","
                    "\"dist\":\"Flat\",\"shape\":[10000]}]}";
  exmc_model* m2 = NULL;
  CHECK_ERR(EXMC_ERR_MODEL, "node \"x\": compiling the model needs about 1280000 bytes",
            exmc_model_from_json(big, strlen(big), &m2, &err_));
  CHECK(m2 == NULL);
  CHECK_OK(exmc_set_memory_limit(0, &err_));
  CHECK_OK(exmc_model_from_json(big, strlen(big), &m2, &err_));
  exmc_model_free(m2);

  /* the process is alive and samples after every refusal */
  CHECK_OK(exmc_sample(m, &o, &stream, &err_));
  if (stream.release != NULL) stream.release(&stream);
  exmc_model_free(m);
}

/* ADVI through exmc_fit_*: options with their size, a fit run to its end
   and its one-row result, a cancelled fit, and bad options. */
static void test_fit(void) {
  exmc_model* m = eight_schools();
  if (m == NULL) return;
  size_t dim = 0;
  CHECK_OK(exmc_model_dim(m, &dim, &err_));

  exmc_fit_options o;
  exmc_fit_options_default(&o);
  exmc_fit_options_default(NULL);
  CHECK(o.size == sizeof(exmc_fit_options) && o.method == EXMC_FIT_ADVI && o.n == 10000);
  o.method = EXMC_FIT_FULLRANK_ADVI;
  o.n = 300;
  o.tol = 0;
  o.seed = 4;
  exmc_fit* fit = NULL;
  CHECK_OK(exmc_fit_start(m, &o, &fit, &err_));
  if (fit == NULL) {
    exmc_model_free(m);
    return;
  }
  CHECK_OK(exmc_fit_wait(fit, -1, &err_));
  int64_t steps = 0;
  double elbo = 0;
  int32_t done = 0;
  CHECK_OK(exmc_fit_progress(fit, &steps, &elbo, &done, &err_));
  CHECK(steps == 300 && done == 1 && isfinite(elbo));
  struct ArrowArrayStream stream;
  struct ArrowSchema schema;
  struct ArrowArray batch;
  CHECK_OK(exmc_fit_result(fit, &stream, &err_));
  if (read_single_batch(&stream, &schema, &batch)) {
    CHECK(batch.length == 1 && schema.n_children == 8 && strcmp(schema.children[0]->name, "mean") == 0);
    /* chol: a fixed-size list of dim * dim values */
    CHECK(batch.children[1]->children[0]->length == (int64_t)(dim * dim));
    release_batch(&schema, &batch);
  }
  exmc_fit_free(fit);

  /* a long fit, cancelled: the approximation it had, with EXMC_ERR_CANCELLED */
  o.n = 1 << 30;
  CHECK_OK(exmc_fit_start(m, &o, &fit, &err_));
  CHECK(exmc_fit_wait(fit, 20, NULL) == EXMC_TIMEOUT);
  CHECK_ERR(EXMC_ERR_INVALID, "not ended", exmc_fit_result(fit, &stream, &err_));
  CHECK_OK(exmc_fit_cancel(fit, &err_));
  CHECK_OK(exmc_fit_wait(fit, 10000, &err_));
  CHECK_ERR(EXMC_ERR_CANCELLED, "cancelled", exmc_fit_result(fit, &stream, &err_));
  CHECK(stream.release != NULL);
  if (stream.release != NULL) stream.release(&stream);
  exmc_fit_free(fit);
  /* freeing a running fit cancels it */
  CHECK_OK(exmc_fit_start(m, &o, &fit, &err_));
  exmc_fit_free(fit);
  exmc_fit_free(NULL);

  exmc_fit_options_default(&o);
  o.learning_rate = -1;
  CHECK_ERR(EXMC_ERR_INVALID, "learning_rate", exmc_fit_start(m, &o, &fit, &err_));
  CHECK(fit == NULL);
  exmc_fit_options_default(&o);
  o.method = 7;
  CHECK_ERR(EXMC_ERR_INVALID, "method", exmc_fit_start(m, &o, &fit, &err_));
  exmc_fit_options_default(&o);
  o.size = 2;
  CHECK_ERR(EXMC_ERR_INVALID, "exmc_fit_options_default", exmc_fit_start(m, &o, &fit, &err_));
  CHECK_ERR(EXMC_ERR_HANDLE, "", exmc_fit_progress(NULL, &steps, NULL, NULL, &err_));
  exmc_model_free(m);
}

int main(void) {
  test_version();
  test_model();
  test_log_density();
  test_log_density_threads();
  test_free_while_in_use();
  test_sample();
  test_reserved_looking_names();
  test_run();
  test_run_cancel();
  test_fit();
  test_first_chain();
  test_adaptation_options();
  test_function_model();
  test_function_unwritten();
  test_errors();
  test_arrow_data();
  test_arrow_child_release();
  test_limits_threads();
  test_limits_models();
  test_limits_memory();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
