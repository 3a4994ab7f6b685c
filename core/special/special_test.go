package special

import (
	"math"
	"testing"
)

// Reference values are scipy.special 1.x's (erfcx, log_ndtr, polygamma(1, x),
// digamma), printed with repr.
func TestAgainstScipy(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name string
		f    func(float64) float64
		tol  float64 // relative
		pts  [][2]float64
	}{
		{"erfcx", Erfcx, 1e-14, [][2]float64{
			{-30, inf}, {-5, 144009798674.66104}, {-1.5, 18.653886256262734}, {-0.3, 1.4537492328427655},
			{0, 1}, {0.2, 0.8090195199015808}, {1, 0.427583576155807}, {3, 0.17900115118138998},
			{10, 0.05614099274382259}, {25.9, 0.021767181150738214}, {26, 0.02168358485056291},
			{30, 0.018795888861416754}, {100, 0.005641613782989433}, {1e4, 5.641895807268084e-05},
			{inf, 0},
		}},
		// Above -1, x/sqrt2 is rounded before erfc, whose logarithmic
		// derivative is -2x/sqrt2: 1e-14 relative at x = 10.
		{"log_ndtr", func(x float64) float64 { v, _ := LogNdtr(x); return v }, 3e-14, [][2]float64{
			{-1e4, -50000010.12927892}, {-40, -804.6084420137539}, {-20, -203.9171553710973},
			{-5, -15.064998393988727}, {-1.0001, -1.8411741625414106}, {-1, -1.8410216450092634},
			{-0.5, -1.1759117615936188}, {0, -0.6931471805599453}, {2, -0.023012909328963476},
			{6, -9.86587645524372e-10}, {10, -7.61985302416047e-24}, {40, 0}, {-inf, -inf},
		}},
		{"digamma", Digamma, 1e-14, [][2]float64{
			{0.001, -1000.5755719318103}, {0.5, -1.9635100260214235}, {1, -0.5772156649015329},
			{2.5, 0.7031566406452432}, {3, 0.9227843350984671}, {6.999, 1.8726307781540714},
			{7, 1.872784335098467}, {10, 2.251752589066721}, {100, 4.600161852738088},
			{-0.5, 0.03648997397857651}, {-1.3, 2.8825405488661677}, {-7.8, -2.207172510985607},
		}},
		// Zeta's series converges to about 1e-14 relative; the reflection
		// adds the rounding of sin(pi x).
		{"trigamma", Trigamma, 1e-13, [][2]float64{
			{0.001, 1000001.6425331959}, {0.5, 4.93480220054468}, {1, 1.6449340668482266},
			{2.5, 0.4903577561002349}, {10, 0.10516633568168576}, {100, 0.010050166663333573},
			{-0.5, 8.934802200544679}, {-1.3, 14.53687624413708}, {-7.8, 28.446514425008914},
			{0, inf}, {-3, inf},
		}},
	}
	for _, c := range cases {
		for _, p := range c.pts {
			got := c.f(p[0])
			if got == p[1] {
				continue
			}
			if math.IsInf(p[1], 0) || math.Abs(got-p[1]) > c.tol*math.Abs(p[1]) {
				t.Errorf("%s(%v) = %.17g, scipy %.17g", c.name, p[0], got, p[1])
			}
		}
	}
}

// Central differences with a step of 1e-6 relative are good to about 1e-8
// of the derivative for these smooth functions; 1e-6 leaves a margin while
// any wrong formula fails by far more.
func TestDerivatives(t *testing.T) {
	fd := func(f func(float64) float64, x float64) float64 {
		h := 1e-6 * math.Max(1, math.Abs(x))
		return (f(x+h) - f(x-h)) / (2 * h)
	}
	logNdtr := func(x float64) float64 { v, _ := LogNdtr(x); return v }
	cases := []struct {
		name  string
		f, df func(float64) float64
		pts   []float64
	}{
		{"erfcx", Erfcx, ErfcxDeriv, []float64{-4, -1, -0.2, 0, 0.5, 2, 10, 25.5, 26.5, 40, 1e3}},
		{"log_ndtr", logNdtr, func(x float64) float64 { _, d := LogNdtr(x); return d },
			[]float64{-300, -30, -5, -1.2, -1, -0.8, 0, 1, 5}},
		{"digamma", Digamma, Trigamma, []float64{0.05, 0.7, 3, 40, -0.4, -2.6}},
	}
	for _, c := range cases {
		for _, x := range c.pts {
			want, got := fd(c.f, x), c.df(x)
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s'(%v) = %.12g, finite difference %.12g", c.name, x, got, want)
			}
		}
	}
}
