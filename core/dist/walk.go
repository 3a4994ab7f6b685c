package dist

import (
	"math"
	"math/rand/v2"
)

// GaussianRandomWalk(mu, sigma, init_mu, init_sigma) along the last axis:
// x[0] ~ Normal(init_mu, init_sigma), x[t] ~ Normal(x[t-1] + mu, sigma).
// Each row of the value (all leading axes flattened) is one independent
// walk. in[0] is the value, in[1..4] the scalar parameters.

// walkLogp returns the summed log-density; when point is non-nil it also
// writes each element's own term there (the innovation that produced it).
// Invalid scales make every term -Inf.
func walkLogp(in [][]float64, steps int, point []float64) float64 {
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
	var s float64
	for r0 := 0; r0 < len(x); r0 += steps {
		row := x[r0 : r0+steps]
		z := (row[0] - imu) / isig
		lp := -0.5*z*z + c0
		s += lp
		if point != nil {
			point[r0] = lp
		}
		for j := 1; j < steps; j++ {
			z := (row[j] - row[j-1] - mu) / sigma
			lp := -0.5*z*z + c
			s += lp
			if point != nil {
				point[r0+j] = lp
			}
		}
	}
	return s
}

// walkGrad adds g times the gradient of walkLogp into gin.
func walkGrad(in [][]float64, steps int, g float64, gin [][]float64) {
	x := in[0]
	mu, sigma, imu, isig := in[1][0], in[2][0], in[3][0], in[4][0]
	if !(sigma > 0) || !(isig > 0) || steps == 0 {
		return
	}
	gx := gin[0]
	var dmu, dsig, dimu, disig float64
	for r0 := 0; r0 < len(x); r0 += steps {
		row := x[r0 : r0+steps]
		z := (row[0] - imu) / isig
		dimu += z / isig
		disig += (z*z - 1) / isig
		if gx != nil {
			gx[r0] -= g * z / isig
		}
		for j := 1; j < steps; j++ {
			z := (row[j] - row[j-1] - mu) / sigma
			d := z / sigma // d lp / d mu = d lp / d x[j-1] = -d lp / d x[j]
			dmu += d
			dsig += (z*z - 1) / sigma
			if gx != nil {
				gx[r0+j] -= g * d
				gx[r0+j-1] += g * d
			}
		}
	}
	for i, d := range [4]float64{dmu, dsig, dimu, disig} {
		if gin[1+i] != nil {
			gin[1+i][0] += g * d
		}
	}
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
