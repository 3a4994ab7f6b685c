/*
 * The eight schools model, sampled with libexmc from C.
 *
 * Build and run (from the repository root, after `make lib`):
 *
 *   gcc -std=c11 -Wall -O2 -Iinclude examples/eight_schools.c \
 *       -Lbuild/out -lexmc -Wl,-rpath,build/out -lm -o eight_schools
 *   ./eight_schools
 *
 * It compiles the model from its JSON form, draws 4 chains of 1000 draws,
 * and prints each variable's posterior mean and standard deviation, read
 * straight from the Arrow buffers the library returns. Every string and
 * Arrow structure the library hands out is released, which tests/c/run.sh
 * checks by running this program under valgrind.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exmc.h"

static const char* MODEL =
    "{\"format\": \"exmc.model/v1\","
    " \"coords\": {\"school\": [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\"]},"
    " \"nodes\": ["
    "  {\"name\": \"y_obs\", \"kind\": \"data\", \"shape\": [8], \"values\": [28, 8, -3, 7, -1, 1, 18, 12]},"
    "  {\"name\": \"sigma\", \"kind\": \"data\", \"shape\": [8], \"values\": [15, 10, 16, 11, 9, 11, 10, 18]},"
    "  {\"name\": \"mu\", \"kind\": \"free\", \"dist\": \"Normal\", \"params\": {\"mu\": 0, \"sigma\": 5}},"
    "  {\"name\": \"tau\", \"kind\": \"free\", \"dist\": \"HalfCauchy\", \"params\": {\"beta\": 5}},"
    "  {\"name\": \"theta\", \"kind\": \"free\", \"dist\": \"Normal\", \"shape\": [8], \"dims\": [\"school\"],"
    "   \"params\": {\"mu\": {\"ref\": \"mu\"}, \"sigma\": {\"ref\": \"tau\"}}},"
    "  {\"name\": \"y\", \"kind\": \"observed\", \"dist\": \"Normal\", \"dims\": [\"school\"],"
    "   \"params\": {\"mu\": {\"ref\": \"theta\"}, \"sigma\": {\"ref\": \"sigma\"}},"
    "   \"observed\": {\"ref\": \"y_obs\"}}"
    " ]}";

/* Prints the library's message, frees it, and exits. */
static void fail(const char* what, int rc, char* err) {
  fprintf(stderr, "%s failed (%d): %s\n", what, rc, err ? err : "no message");
  exmc_free_error(err);
  exit(1);
}

/* The number of values per draw in a variable's column: a scalar is a
   float64 column ("g"), an array a fixed-size list of float64 ("+w:<size>"),
   flattened row-major. */
static long elements(const struct ArrowSchema* column) {
  if (strcmp(column->format, "g") == 0) return 1;
  if (strncmp(column->format, "+w:", 3) == 0) return strtol(column->format + 3, NULL, 10);
  return 0;
}

static int64_t column_index(const struct ArrowSchema* schema, const char* name) {
  for (int64_t i = 0; i < schema->n_children; i++)
    if (strcmp(schema->children[i]->name, name) == 0) return i;
  return -1;
}

static void summarise(const struct ArrowSchema* schema, const struct ArrowArray* batch) {
  /* Rows are draws; only post-warmup draws count. This run kept none of
     the warmup, but a reader should not assume so. */
  const struct ArrowArray* warmup = batch->children[column_index(schema, "warmup")];
  const uint8_t* warm_bits = warmup->buffers[1];
  /* The variables are the fields of the struct column "posterior" (the
     statistics are in "sample_stats"); row r of a field is at index r from
     its array's offset. */
  int64_t p = column_index(schema, "posterior");
  const struct ArrowSchema* variables = schema->children[p];
  const struct ArrowArray* values_of = batch->children[p];

  printf("%-10s %10s %10s\n", "variable", "mean", "sd");
  for (int64_t c = 0; c < variables->n_children; c++) {
    const struct ArrowSchema* field = variables->children[c];
    const struct ArrowArray* column = values_of->children[c];
    long size = elements(field);
    const double* values;
    if (size == 1) {
      values = (const double*)column->buffers[1] + column->offset;
    } else {
      const struct ArrowArray* child = column->children[0];
      values = (const double*)child->buffers[1] + child->offset + column->offset * size;
    }
    for (long k = 0; k < size; k++) {
      double sum = 0, sum_sq = 0;
      int64_t n = 0;
      for (int64_t r = 0; r < batch->length; r++) {
        int64_t bit = r + warmup->offset;
        if ((warm_bits[bit / 8] >> (bit % 8)) & 1) continue;
        double v = values[r * size + k];
        sum += v;
        sum_sq += v * v;
        n++;
      }
      double mean = sum / n;
      double sd = sqrt((sum_sq - n * mean * mean) / (n - 1));
      char label[64];
      if (size == 1)
        snprintf(label, sizeof label, "%s", field->name);
      else
        snprintf(label, sizeof label, "%s[%ld]", field->name, k);
      printf("%-10s %10.3f %10.3f\n", label, mean, sd);
    }
  }
}

int main(void) {
  char* err = NULL;
  exmc_model* model = NULL;
  int rc = exmc_model_from_json(MODEL, strlen(MODEL), &model, &err);
  if (rc != EXMC_OK) fail("exmc_model_from_json", rc, err);

  exmc_options options;
  exmc_options_default(&options);

  /* A mistake comes back as a code and a message to free, not a crash. */
  options.target_accept = 1.5;
  struct ArrowArrayStream stream;
  rc = exmc_sample(model, &options, &stream, &err);
  printf("target_accept = 1.5 is refused (%d): %s\n", rc, err);
  exmc_free_error(err);

  options.target_accept = 0.8;
  options.chains = 4;
  options.seed = 20240601;
  rc = exmc_sample(model, &options, &stream, &err);
  if (rc != EXMC_OK) fail("exmc_sample", rc, err);

  struct ArrowSchema schema;
  struct ArrowArray batch;
  if (stream.get_schema(&stream, &schema) != 0 || stream.get_next(&stream, &batch) != 0) {
    fprintf(stderr, "reading the draws failed: %s\n", stream.get_last_error(&stream));
    return 1;
  }
  printf("eight schools: %lld draws from %lld chains\n", (long long)batch.length, (long long)options.chains);
  summarise(&schema, &batch);

  batch.release(&batch);
  schema.release(&schema);
  stream.release(&stream);
  exmc_model_free(model);
  return 0;
}
