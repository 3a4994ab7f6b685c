package dist

import "math/rand/v2"

// GaussianRandomWalk(mu, sigma, init_mu, init_sigma) along the last axis:
// x[0] ~ Normal(init_mu, init_sigma), x[t] ~ Normal(x[t-1] + mu, sigma).
// Each row of the value (all leading axes flattened) is one independent
// walk. in[0] is the value, in[1..4] the scalar parameters.

// walk returns the summed log-density; when point is non-nil it also
// writes each element's own term there (the innovation that produced it),
// and when gin is non-nil it adds g times the gradient into gin's non-nil
// entries, in the same pass. Invalid scales make every term -Inf and add
// no gradient. Forward, Pointwise, Backward and ForwardGrad all come here,
// so that the value never depends on whether the gradient was asked for.
func (t *Term) walk(in [][]float64, point []float64, gin [][]float64, g float64) float64 {
	x := in[0]
	mu, imu := in[1][0], in[3][0]
	sc, ok := t.scaleOf(in, 1)
	sc0, ok0 := t.scaleOf(in, 3)
	if !ok || !ok0 {
		for k := range point {
			point[k] = negInf
		}
		return negInf
	}
	steps := t.steps
	if steps == 0 || len(x) == 0 {
		return 0
	}
	if point != nil {
		return walkPoint(x, steps, mu, imu, sc, sc0, point)
	}
	inv0, inv := sc0.inv, sc.inv
	var gx []float64
	if gin != nil {
		gx = gin[0]
	}
	// The sums are of the innovations d and d^2 unscaled, with two
	// accumulators each, so that the loop neither waits on 1/sigma nor on
	// one long chain of additions; d0 and dd0 sum over the first steps.
	var d0, dd0, sa, sb, ssa, ssb float64
	gi0, gi := g*inv0*inv0, g*inv*inv
	for r0 := 0; r0 < len(x); r0 += steps {
		row := x[r0 : r0+steps]
		d := row[0] - imu
		d0 += d
		dd0 += d * d
		if gx != nil {
			gr := gx[r0 : r0+steps]
			gr[0] -= gi0 * d
			j := 1
			for ; j+1 < len(row); j += 2 {
				da := row[j] - row[j-1] - mu
				db := row[j+1] - row[j] - mu
				sa += da
				ssa += da * da
				sb += db
				ssb += db * db
				ga, gb := gi*da, gi*db
				gr[j-1] += ga
				gr[j] += gb - ga
				gr[j+1] -= gb
			}
			for ; j < len(row); j++ {
				da := row[j] - row[j-1] - mu
				sa += da
				ssa += da * da
				ga := gi * da
				gr[j-1] += ga
				gr[j] -= ga
			}
			continue
		}
		j := 1
		for ; j+1 < len(row); j += 2 {
			da := row[j] - row[j-1] - mu
			db := row[j+1] - row[j] - mu
			sa += da
			ssa += da * da
			sb += db
			ssb += db * db
		}
		for ; j < len(row); j++ {
			da := row[j] - row[j-1] - mu
			sa += da
			ssa += da * da
		}
	}
	rows := float64(len(x) / steps)
	cnt := rows * float64(steps-1)
	z0, zz0 := d0*inv0, dd0*inv0*inv0
	sz, szz := (sa+sb)*inv, (ssa+ssb)*inv*inv
	s := -0.5*(zz0+szz) - rows*(lnSqrt2Pi+sc0.log) - cnt*(lnSqrt2Pi+sc.log)
	if gin != nil {
		for i, d := range [4]float64{sz * inv, (szz - cnt) * sc.gf, z0 * inv0, (zz0 - rows) * sc0.gf} {
			if gin[1+i] != nil {
				gin[1+i][0] += g * d
			}
		}
	}
	return s
}

// walkPoint is walk's value with each element's own term written into
// point.
func walkPoint(x []float64, steps int, mu, imu float64, sc, sc0 scale, point []float64) float64 {
	c0 := -lnSqrt2Pi - sc0.log
	c := -lnSqrt2Pi - sc.log
	var s float64
	for r0 := 0; r0 < len(x); r0 += steps {
		row := x[r0 : r0+steps]
		z := (row[0] - imu) * sc0.inv
		lp := -0.5*z*z + c0
		point[r0] = lp
		s += lp
		for j := 1; j < steps; j++ {
			z := (row[j] - row[j-1] - mu) * sc.inv
			lp := -0.5*z*z + c
			point[r0+j] = lp
			s += lp
		}
	}
	return s
}

// RandomWalk draws one walk of len(out) steps with parameters
// p = (mu, sigma, init_mu, init_sigma).
func RandomWalk(p []float64, r *rand.Rand, out []float64) {
	prev := 0.0
	for j := range out {
		if j == 0 {
			prev = p[2] + p[3]*r.NormFloat64()
		} else {
			prev += p[0] + p[1]*r.NormFloat64()
		}
		out[j] = prev
	}
}

func init() {
	register(Spec{
		Name: "GaussianRandomWalk", Doc: "A random walk with normal steps along the last axis.", Layout: AlongLastAxis,
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "drift", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "step size", Default: def(1)},
			{Name: "init_mu", Domain: anyReal, Default: def(0)},
			{Name: "init_sigma", Domain: positive, Default: def(100)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma", "init_mu", "init_sigma"}, Support: Real, loop: fWalk}},
		Options:  []string{"steps", "init_dist"},
		Notes: "`GaussianRandomWalk` puts `Normal(init_mu, init_sigma)` on the first element " +
			"and `Normal(x[t-1] + mu, sigma)` on each later one.",
	})
}
