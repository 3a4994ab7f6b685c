// Command essgrad measures effective draws per 1000 gradient evaluations
// of exmc's NUTS on the seed models of bench/models or on model documents,
// one chain at a time on one core (the count does not depend on the
// machine's load, unlike a time). For each model and seed it runs the
// given number of chains one after another and prints the minimum bulk
// ESS over the coordinates (unconstrained, pooled over the chains) per
// 1000 gradients (warmup included, and sampling only), the divergences,
// the largest R-hat and the mean acceptance statistic; then medians over
// the seeds.
//
//	go run ./bench/essgrad -models simple,medium -seeds 10
//	go run ./bench/essgrad -json model.json -chains 4 -seeds 3
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/exmc/exmc/bench/models"
	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/diag"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/sample"
)

func main() {
	names := flag.String("models", strings.Join(models.Names, ","), "seed models, comma-separated")
	jsonPath := flag.String("json", "", "a model document (exmc.model/v1, data inline) instead of the seed models")
	seeds := flag.Int("seeds", 10, "seeds per model")
	seed0 := flag.Uint64("seed0", 1, "first seed")
	chains := flag.Int("chains", 1, "chains per seed, run one after another")
	tune := flag.Int("tune", 1000, "warmup iterations")
	draws := flag.Int("draws", 1000, "draws")
	centred := flag.String("centred", "auto", "auto (the rewrite chooses), true (as written) or false (non-centre every candidate)")
	metric := flag.String("metric", "gradient", "gradient, variance, low_rank or dense")
	verbose := flag.Bool("v", false, "print every seed")
	flag.Parse()
	runtime.GOMAXPROCS(1)

	type job struct {
		name string
		m    *compile.Model
	}
	var jobs []job
	build := func(name string, m *model.Model) {
		switch *centred {
		case "true":
			m.NonCentered = boolp(false)
		case "false":
			m.NonCentered = boolp(true)
		}
		c, err := compile.Compile(m, nil)
		if err != nil {
			fail(err)
		}
		fmt.Fprintf(os.Stderr, "%s: non-centred %v, kept centred %v\n", name, c.NonCentered(), c.KeptCentred())
		jobs = append(jobs, job{name, c})
	}
	if *jsonPath != "" {
		doc, err := os.ReadFile(*jsonPath)
		if err != nil {
			fail(err)
		}
		m, err := model.Parse(doc)
		if err != nil {
			fail(err)
		}
		build(*jsonPath, m)
	} else {
		for _, name := range strings.Split(*names, ",") {
			m, err := models.Build(name, false)
			if err != nil {
				fail(err)
			}
			build(name, m)
		}
	}

	if *seeds == 0 {
		return
	}
	fmt.Printf("%-14s %9s %9s %7s %7s %6s\n", "model", "ess/kgrad", "sampling", "divs", "rhat", "accept")
	for _, j := range jobs {
		var all, samp, divs, rhat, acc []float64
		for s := range *seeds {
			o := sample.DefaultOptions()
			o.Chains, o.Cores, o.Tune, o.Draws = *chains, 1, *tune, *draws
			o.Seed = *seed0 + uint64(s)
			switch *metric {
			case "variance":
				o.Metric = sample.MetricVariance
			case "low_rank":
				o.Metric = sample.MetricLowRank
			case "dense":
				o.Dense = true
			}
			res, err := sample.Sample(context.Background(), sample.Compiled(j.m), o)
			if err == nil {
				err = res.Err()
			}
			if err != nil {
				fail(err)
			}
			d := res.Dim
			var grads, sgrads int64
			nd := 0
			a := 0.0
			n := 0
			for _, c := range res.Chains {
				grads += c.GradEvals
				for _, st := range c.Stats {
					sgrads += int64(st.NSteps)
					a += st.AcceptanceRate
					n++
				}
				nd += c.Divergences
			}
			ess, rh := math.Inf(1), 0.0
			for i := range d {
				cs := make([][]float64, len(res.Chains))
				for k, c := range res.Chains {
					cs[k] = make([]float64, c.DrawCount)
					for t := range c.DrawCount {
						cs[k][t] = c.Draws[t*d+i]
					}
				}
				ess = math.Min(ess, diag.ESSBulk(cs))
				if len(cs) > 1 {
					rh = math.Max(rh, diag.RHat(cs))
				}
			}
			all = append(all, 1000*ess/float64(grads))
			samp = append(samp, 1000*ess/float64(sgrads))
			divs = append(divs, float64(nd))
			rhat = append(rhat, rh)
			acc = append(acc, a/float64(n))
			if *verbose {
				for _, c := range res.Chains {
					a := 0.0
					for _, st := range c.Stats {
						a += st.AcceptanceRate
					}
					fmt.Printf("    chain %d: step %.4g, divergences %d (warmup %d), accept %.3f\n", c.Chain, c.StepSize, c.Divergences, c.WarmupDivergences, a/float64(len(c.Stats)))
				}
				fmt.Printf("%-14s %9.3g %9.3g %7d %7.3f %6.3f  seed %d\n", j.name, all[s], samp[s], nd, rh, acc[s], o.Seed)
			}
		}
		fmt.Printf("%-14s %9.3g %9.3g %7.0f %7.3f %6.3f  median of %d (divs: total %.0f, rhat: max %.3f)\n", j.name,
			median(all), median(samp), median(divs), median(rhat), median(acc), *seeds, sum(divs), slices.Max(rhat))
	}
}

func boolp(b bool) *bool { return &b }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func sum(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "essgrad:", err)
	os.Exit(1)
}
