package dist

import "math"

// logIncGamma returns log P(a, x) and log Q(a, x), the regularized lower
// and upper incomplete gamma functions, with their derivatives in x
// (dpx, dqx) and in a (dpa, dqa), for a > 0 and x > 0. Each is taken
// where it is the smaller and so keeps its digits: P by its power series
// below x = a + 1, Q by its continued fraction (modified Lentz) above,
// the other as log1mexp of it. The derivatives in a come from carrying
// d/da through the series or the fraction term by term (forward mode),
// so they are as accurate as the functions.
func logIncGamma(a, x float64) (lp, lq, dpx, dqx, dpa, dqa float64) {
	const (
		eps   = 1e-16
		tiny  = 1e-300
		terms = 100000
	)
	lx := math.Log(x)
	if x < a+1 {
		// P = x^a e^-x / Gamma(a+1) * sum_k x^k / ((a+1)...(a+k))
		t, dt := 1.0, 0.0
		s, ds := 1.0, 0.0
		for k := 1; k < terms; k++ {
			r := x / (a + float64(k))
			dt = r * (dt - t/(a+float64(k)))
			t *= r
			s += t
			ds += dt
			if t < eps*s && math.Abs(dt) <= eps*math.Abs(ds) {
				break
			}
		}
		lp = a*lx - x - lgamma(a+1) + math.Log(s)
		dpa = lx - digamma(a+1) + ds/s
		lq = log1mexp(lp)
		w := math.Exp(lp - lq) // P/Q
		dqa = -w * dpa
	} else {
		// Q = x^a e^-x / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...)))
		b, db := x+1-a, -1.0
		c, dc := 1/tiny, 0.0
		d, dd := 1/b, 1/(b*b) // d(1/b)/da = -db/b^2
		h, dh := d, dd
		for i := 1; i < terms; i++ {
			fi := float64(i)
			an, dan := -fi*(fi-a), fi
			b += 2
			// d = 1/(an*d + b)
			dn := an*d + b
			ddn := dan*d + an*dd + db
			if math.Abs(dn) < tiny {
				dn = tiny
			}
			// c = b + an/c
			cn := b + an/c
			dcn := db + (dan*c-an*dc)/(c*c)
			if math.Abs(cn) < tiny {
				cn = tiny
			}
			d, dd = 1/dn, -ddn/(dn*dn)
			c, dc = cn, dcn
			del, ddel := d*c, dd*c+d*dc
			h, dh = h*del, dh*del+h*ddel
			if math.Abs(del-1) < eps {
				break
			}
		}
		lq = a*lx - x - lgamma(a) + math.Log(h)
		dqa = lx - digamma(a) + dh/h
		lp = log1mexp(lq)
		w := math.Exp(lq - lp) // Q/P
		dpa = -w * dqa
	}
	// dP/dx = -dQ/dx = x^(a-1) e^-x / Gamma(a)
	ld := (a-1)*lx - x - lgamma(a)
	dpx = math.Exp(ld - lp)
	dqx = -math.Exp(ld - lq)
	return
}
