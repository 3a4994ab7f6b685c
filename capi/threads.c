/*
 * Chain threads. A run's workers are woken here, each on a CPU of its own,
 * instead of by the Go scheduler: a woken thread whose last CPU is busy
 * can wait milliseconds there before the kernel moves it (DECISIONS 30).
 * Threads are kept when idle, like the Go runtime's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"
#include "threads.h"

typedef struct worker {
  pthread_mutex_t mu;
  pthread_cond_t wake;
  pthread_t self; /* set by the thread itself before it first goes idle */
  uintptr_t job; /* 0 when idle */
  cpu_set_t home; /* the submitter's affinity, taken back once running */
  int have_home;
  struct worker* next_idle;
} worker;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static worker* idle;
static int created; /* threads ever started, under pool_mu */

static void* worker_main(void* arg) {
  worker* w = arg;
  pthread_mutex_lock(&w->mu);
  w->self = pthread_self();
  pthread_mutex_unlock(&w->mu);
  pthread_setname_np(pthread_self(), "exmc chain");
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (w->job == 0) pthread_cond_wait(&w->wake, &w->mu);
    uintptr_t job = w->job;
    cpu_set_t home = w->home;
    int have_home = w->have_home;
    pthread_mutex_unlock(&w->mu);

    if (have_home) pthread_setaffinity_np(pthread_self(), sizeof home, &home);
    exmcCapiRunThreadJob(job);

    pthread_mutex_lock(&w->mu);
    w->job = 0;
    pthread_mutex_unlock(&w->mu);
    pthread_mutex_lock(&pool_mu);
    w->next_idle = idle;
    idle = w;
    pthread_mutex_unlock(&pool_mu);
  }
  return NULL;
}

static int new_worker(worker* w, const cpu_set_t* wake_on) {
  pthread_attr_t attr;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) return rc;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (wake_on != NULL) pthread_attr_setaffinity_np(&attr, sizeof *wake_on, wake_on);
  pthread_t t;
  rc = pthread_create(&t, &attr, worker_main, w);
  pthread_attr_destroy(&attr);
  /* A CPU gone offline since the caller's affinity was read: start it
     anywhere. */
  if (rc == EINVAL && wake_on != NULL) return new_worker(w, NULL);
  return rc;
}

int exmc_capi_thread_start(uintptr_t job, const int* wake_on, int n) {
  cpu_set_t home, wake;
  int have_home = sched_getaffinity(0, sizeof home, &home) == 0;
  int narrowed = 0;
  if (have_home && n > 0) {
    CPU_ZERO(&wake);
    for (int i = 0; i < n; i++)
      if (wake_on[i] >= 0 && wake_on[i] < CPU_SETSIZE && CPU_ISSET(wake_on[i], &home)) CPU_SET(wake_on[i], &wake);
    narrowed = CPU_COUNT(&wake) > 0 && !CPU_EQUAL(&wake, &home);
  }

  pthread_mutex_lock(&pool_mu);
  worker* w = idle;
  if (w != NULL) idle = w->next_idle;
  pthread_mutex_unlock(&pool_mu);

  if (w == NULL) {
    w = calloc(1, sizeof *w);
    if (w == NULL) return ENOMEM;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->job = job;
    w->home = home;
    w->have_home = have_home;
    int rc = new_worker(w, narrowed ? &wake : NULL);
    if (rc == 0) {
      pthread_mutex_lock(&pool_mu);
      created++;
      pthread_mutex_unlock(&pool_mu);
    } else {
      pthread_cond_destroy(&w->wake);
      pthread_mutex_destroy(&w->mu);
      free(w);
    }
    return rc;
  }

  pthread_mutex_lock(&w->mu);
  w->job = job;
  w->home = home;
  w->have_home = have_home;
  /* A sleeping thread's affinity decides where the kernel puts it when it
     wakes; it takes back home itself once running. */
  if (narrowed) pthread_setaffinity_np(w->self, sizeof wake, &wake);
  pthread_mutex_unlock(&w->mu);
  pthread_cond_signal(&w->wake);
  return 0;
}

int exmc_capi_cpus(int* cpus, int cap, int* current) {
  *current = sched_getcpu();
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  int n = 0;
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, &set)) continue;
    if (n < cap) cpus[n] = c;
    n++;
  }
  return n;
}

int exmc_capi_thread_count(int* idle_now) {
  pthread_mutex_lock(&pool_mu);
  int n = 0;
  for (worker* w = idle; w != NULL; w = w->next_idle) n++;
  *idle_now = n;
  int total = created;
  pthread_mutex_unlock(&pool_mu);
  return total;
}
