// Package posteriordb holds the reference posteriors of
// testdata/posteriordb (from the Stan project's posterior database) and
// exmc models that match them, so that tests and benchmarks can check
// exmc's draws against long, checked Stan runs.
package posteriordb
