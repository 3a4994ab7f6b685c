package dist

import "math"

// dual2 is a number with its derivatives in two variables (a and b of
// the incomplete beta function), for carrying them through a continued
// fraction term by term.
type dual2 struct{ v, a, b float64 }

func (x dual2) mul(y dual2) dual2 {
	return dual2{x.v * y.v, x.a*y.v + x.v*y.a, x.b*y.v + x.v*y.b}
}

func (x dual2) inv() dual2 {
	q := -1 / (x.v * x.v)
	return dual2{1 / x.v, q * x.a, q * x.b}
}

func (x dual2) addConst(c float64) dual2 { return dual2{x.v + c, x.a, x.b} }

// betaCF is the continued fraction of the regularized incomplete beta
// function (modified Lentz), with its derivatives in a and b.
func betaCF(a, b, x float64) dual2 {
	const (
		eps   = 1e-16
		tiny  = 1e-300
		terms = 100000
	)
	guard := func(d dual2) dual2 {
		if math.Abs(d.v) < tiny {
			d.v = tiny
		}
		return d
	}
	c := dual2{1, 0, 0}
	// d = 1 - (a+b) x/(a+1)
	q := x / (a + 1)
	d := guard(dual2{1 - (a+b)*q, -q + (a+b)*x/((a+1)*(a+1)), -q}).inv()
	h := d
	for m := 1; m < terms; m++ {
		fm := float64(m)
		m2 := 2 * fm
		// aa = m (b-m) x / ((a-1+2m)(a+2m))
		den := (a - 1 + m2) * (a + m2)
		num := fm * (b - fm) * x
		aa := dual2{num / den, -num * ((a + m2) + (a - 1 + m2)) / (den * den), fm * x / den}
		d = guard(aa.mul(d).addConst(1)).inv()
		c = guard(aa.mul(c.inv()).addConst(1))
		h = h.mul(d).mul(c)
		// aa = -(a+m)(a+b+m) x / ((a+2m)(a+1+2m))
		den = (a + m2) * (a + 1 + m2)
		num = -(a + fm) * (a + b + fm) * x
		dden := (a + 1 + m2) + (a + m2)
		aa = dual2{num / den, (-(a+b+fm)*x-(a+fm)*x)/den - num*dden/(den*den), -(a + fm) * x / den}
		d = guard(aa.mul(d).addConst(1)).inv()
		c = guard(aa.mul(c.inv()).addConst(1))
		del := d.mul(c)
		h = h.mul(del)
		if math.Abs(del.v-1) < eps {
			break
		}
	}
	return h
}

// logIncBeta returns log I_x(a, b) and log(1 - I_x(a, b)) for 0 < x < 1,
// a, b > 0, with their derivatives in x, a and b. The smaller of the two
// is taken by the continued fraction, on the side of x where it
// converges (x < (a+1)/(a+b+2), else I_{1-x}(b, a)), the other as
// log1mexp of it.
func logIncBeta(a, b, x float64) (li, lc float64, di, dc [3]float64) {
	flip := x >= (a+1)/(a+b+2)
	aa, bb, xx := a, b, x
	if flip {
		aa, bb, xx = b, a, 1-x
	}
	lbeta := lgamma(aa) + lgamma(bb) - lgamma(aa+bb)
	front := aa*math.Log(xx) + bb*math.Log1p(-xx) - math.Log(aa) - lbeta
	h := betaCF(aa, bb, xx)
	l := front + math.Log(h.v)
	psab := digamma(aa + bb)
	// derivatives of l = log I_xx(aa, bb) in xx, aa, bb
	var g [3]float64
	g[0] = math.Exp((aa-1)*math.Log(xx) + (bb-1)*math.Log1p(-xx) - lbeta - l)
	g[1] = math.Log(xx) - 1/aa - digamma(aa) + psab + h.a/h.v
	g[2] = math.Log1p(-xx) - digamma(bb) + psab + h.b/h.v
	o := log1mexp(l)
	w := -math.Exp(l - o)
	var go_ [3]float64
	for i := range g {
		go_[i] = w * g[i]
	}
	if !flip {
		return l, o, g, go_
	}
	// l is log(1 - I_x(a, b)); xx = 1 - x, and aa, bb are b, a
	return o, l, [3]float64{-go_[0], go_[2], go_[1]}, [3]float64{-g[0], g[2], g[1]}
}
