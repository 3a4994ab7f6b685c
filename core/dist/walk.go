package dist

import (
	"math"
	"math/rand/v2"
)

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
func walk(in [][]float64, steps int, point []float64, gin [][]float64, g float64) float64 {
	x := in[0]
	mu, sigma, imu, isig := in[1][0], in[2][0], in[3][0], in[4][0]
	if !(sigma > 0) || !(isig > 0) {
		for k := range point {
			point[k] = negInf
		}
		return negInf
	}
	if steps == 0 || len(x) == 0 {
		return 0
	}
	c0 := -lnSqrt2Pi - math.Log(isig)
	c := -lnSqrt2Pi - math.Log(sigma)
	inv0, inv := 1/isig, 1/sigma
	var gx []float64
	if gin != nil {
		gx = gin[0]
	}
	// s is the value; z0 and zz0 sum z and z^2 over the first steps, z and
	// zz over the others, from which the parameters' gradients follow
	var s, z0, zz0, sz, szz float64
	for r0 := 0; r0 < len(x); r0 += steps {
		row := x[r0 : r0+steps]
		z := (row[0] - imu) * inv0
		lp := -0.5*z*z + c0
		s += lp
		if point != nil {
			point[r0] = lp
		}
		z0 += z
		zz0 += z * z
		if gx != nil {
			gx[r0] -= g * z * inv0
		}
		for j := 1; j < steps; j++ {
			z := (row[j] - row[j-1] - mu) * inv
			lp := -0.5*z*z + c
			s += lp
			if point != nil {
				point[r0+j] = lp
			}
			sz += z
			szz += z * z
			if gx != nil {
				d := g * z * inv // d lp / d mu = d lp / d x[j-1] = -d lp / d x[j]
				gx[r0+j] -= d
				gx[r0+j-1] += d
			}
		}
	}
	if gin != nil {
		rows := float64(len(x) / steps)
		for i, d := range [4]float64{sz * inv, (szz - rows*float64(steps-1)) * inv, z0 * inv0, (zz0 - rows) * inv0} {
			if gin[1+i] != nil {
				gin[1+i][0] += g * d
			}
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
