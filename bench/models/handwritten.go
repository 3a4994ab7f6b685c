package models

import (
	"fmt"
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/matvec"
	"gonum.org/v1/gonum/mathext"
)

// Handwritten is a model's log-density and gradient written out by hand in
// Go, on exactly the unconstrained layout that the compiled model uses
// (compile.Model.Params(): the same order, the same log transforms, the
// same non-centred blocks z with x = mu + sigma*z) and with the same
// normalising constants, so that both give the same numbers at the same
// point. It is the floor for the compiled gradient: a pass or a few over
// the data per likelihood with each term's derivative in closed form, every
// constant that depends only on parameters computed once per call,
// core/matvec for the matrix-vector products and core/fastmath's slice
// kernels for exp and log, as the compiled terms use, but no algebra
// beyond that (no sufficient statistics precomputed from the data).
type Handwritten interface {
	Dim() int
	LogpGrad(x, grad []float64) float64
}

// NewHandwritten returns the hand-written density of the named model, on
// the layout of Build(name, false).
func NewHandwritten(name string) (Handwritten, error) {
	switch name {
	case "simple":
		var d struct{ Y []float64 }
		if err := load("simple", &d); err != nil {
			return nil, err
		}
		return &hwSimple{y: d.Y}, nil
	case "medium":
		var d struct {
			YAlpha []float64 `json:"y_alpha"`
			YBeta  []float64 `json:"y_beta"`
		}
		if err := load("medium", &d); err != nil {
			return nil, err
		}
		return &hwMedium{ya: d.YAlpha, yb: d.YBeta}, nil
	case "stress":
		var d struct{ Y [][]float64 }
		if err := load("stress", &d); err != nil {
			return nil, err
		}
		return &hwStress{y: d.Y}, nil
	case "eight_schools":
		var d struct{ Y, Sigma []float64 }
		if err := load("eight_schools", &d); err != nil {
			return nil, err
		}
		return &hwEightSchools{y: d.Y, sigma: d.Sigma}, nil
	case "funnel":
		return hwFunnel{}, nil
	case "logistic":
		var d struct {
			X [][]float64
			Y []float64
		}
		if err := load("logistic", &d); err != nil {
			return nil, err
		}
		h := &hwLogistic{n: len(d.X), k: len(d.X[0]), y: d.Y}
		for _, row := range d.X {
			h.x = append(h.x, row...)
		}
		h.eta = make([]float64, h.n)
		h.e = make([]float64, h.n)
		h.sp = make([]float64, h.n)
		return h, nil
	case "sv":
		var d struct{ R []float64 }
		if err := load("sv", &d); err != nil {
			return nil, err
		}
		h := &hwSV{r2: make([]float64, len(d.R)), w: make([]float64, len(d.R)), l1: make([]float64, len(d.R))}
		for i, r := range d.R {
			h.r2[i] = r * r
		}
		return h, nil
	}
	return nil, fmt.Errorf("no hand-written density for %q", name)
}

const hwLnSqrt2Pi = 0.918938533204672741780329736406

// normal adds log Normal(v | m, s) with lsig = log s; returns the term and
// its derivatives in v (dm = -dv) and s.
func normal(v, m, s, lsig float64) (lp, dv, ds float64) {
	z := (v - m) / s
	return -0.5*z*z - lsig - hwLnSqrt2Pi, -z / s, (z*z - 1) / s
}

// logp of Exponential(lam) at e^u plus the log-Jacobian u, and its
// derivative in u.
func expLog(u, lam float64) (lp, du float64) {
	e := math.Exp(u)
	return math.Log(lam) - lam*e + u, 1 - lam*e
}

type hwSimple struct{ y []float64 }

func (h *hwSimple) Dim() int { return 2 }

func (h *hwSimple) LogpGrad(x, g []float64) float64 {
	mu, u := x[0], x[1]
	sigma := math.Exp(u)
	lp, dmu, _ := normal(mu, 0, 10, math.Log(10))
	le, du := expLog(u, 1)
	lp += le
	var ss, sd float64
	for _, y := range h.y {
		d := y - mu
		ss += d * d
		sd += d
	}
	n := float64(len(h.y))
	is2 := 1 / (sigma * sigma)
	lp += -0.5*ss*is2 - n*(u+hwLnSqrt2Pi)
	g[0] = dmu + sd*is2
	g[1] = du + ss*is2 - n
	return lp
}

type hwMedium struct{ ya, yb []float64 }

func (h *hwMedium) Dim() int { return 5 }

func (h *hwMedium) LogpGrad(x, g []float64) float64 {
	mg, ug, alpha, beta, uo := x[0], x[1], x[2], x[3], x[4]
	sg, so := math.Exp(ug), math.Exp(uo)
	lp, dmg, _ := normal(mg, 0, 10, math.Log(10))
	l, dug := expLog(ug, 1)
	lp += l
	l, duo := expLog(uo, 2)
	lp += l
	la, dalpha, dsa := normal(alpha, mg, sg, ug)
	lb, dbeta, dsb := normal(beta, mg, sg, ug)
	lp += la + lb
	g[0] = dmg - dalpha - dbeta
	g[1] = dug + (dsa+dsb)*sg
	var dso float64
	for _, y := range h.ya {
		l, dv, ds := normal(y, alpha, so, uo)
		lp += l
		dalpha -= dv
		dso += ds
	}
	for _, y := range h.yb {
		l, dv, ds := normal(y, beta, so, uo)
		lp += l
		dbeta -= dv
		dso += ds
	}
	g[2] = dalpha
	g[3] = dbeta
	g[4] = duo + dso*so
	return lp
}

type hwStress struct{ y [][]float64 }

func (h *hwStress) Dim() int { return 2 + 2*len(h.y) }

func (h *hwStress) LogpGrad(x, g []float64) float64 {
	G := len(h.y)
	mp, up := x[0], x[1]
	alpha, us := x[2:2+G], x[2+G:2+2*G]
	sp := math.Exp(up)
	lp, dmp, _ := normal(mp, 0, 10, math.Log(10))
	l, dup := expLog(up, 1)
	lp += l
	g[0], g[1] = dmp, dup
	for j := range G {
		l, da, dsp := normal(alpha[j], mp, sp, up)
		lp += l
		g[0] -= da
		g[1] += dsp * sp
		l, dus := expLog(us[j], 1)
		lp += l
		s := math.Exp(us[j])
		var ds float64
		for _, y := range h.y[j] {
			l, dv, dsig := normal(y, alpha[j], s, us[j])
			lp += l
			da -= dv
			ds += dsig
		}
		g[2+j] = da
		g[2+G+j] = dus + ds*s
	}
	return lp
}

type hwEightSchools struct{ y, sigma []float64 }

func (h *hwEightSchools) Dim() int { return 2 + len(h.y) }

func (h *hwEightSchools) LogpGrad(x, g []float64) float64 {
	mu, ut := x[0], x[1]
	z := x[2:]
	tau := math.Exp(ut)
	lp, dmu, _ := normal(mu, 0, 5, math.Log(5))
	// HalfNormal(5) at tau, plus the log-Jacobian ut
	w := tau / 5
	lp += 0.5*math.Log(2/math.Pi) - math.Log(5) - 0.5*w*w + ut
	dut := 1 - w*w
	for j, s := range h.sigma {
		theta := mu + tau*z[j]
		d := (h.y[j] - theta) / s
		lp += -0.5*(z[j]*z[j]+d*d) - math.Log(s) - 2*hwLnSqrt2Pi
		dtheta := d / s
		dmu += dtheta
		dut += dtheta * z[j] * tau
		g[2+j] = -z[j] + dtheta*tau
	}
	g[0], g[1] = dmu, dut
	return lp
}

// Non-centred, the funnel is v ~ Normal(0, 3) and z ~ Normal(0, 1): x = e^(v/2) z
// enters no term.
type hwFunnel struct{}

func (hwFunnel) Dim() int { return 10 }

func (hwFunnel) LogpGrad(x, g []float64) float64 {
	v := x[0]
	lp := -0.5*v*v/9 - math.Log(3) - hwLnSqrt2Pi
	g[0] = -v / 9
	for i, z := range x[1:] {
		lp += -0.5*z*z - hwLnSqrt2Pi
		g[1+i] = -z
	}
	return lp
}

type hwLogistic struct {
	n, k  int
	x     []float64 // n x k, row-major
	y     []float64
	eta   []float64 // scratch: the linear predictor, then the residuals
	e, sp []float64 // scratch: exp(-|eta|), log(1 + exp(-|eta|))
}

func (h *hwLogistic) Dim() int { return 1 + h.k }

func (h *hwLogistic) LogpGrad(x, g []float64) float64 {
	const one, sign = 0x3ff0000000000000, 1 << 63
	alpha, beta := x[0], x[1:]
	matvec.Mul(h.eta, h.x, h.n, h.k, beta, false) // eta = X beta
	lp := -0.5*(alpha*alpha)/100 - math.Log(10) - hwLnSqrt2Pi
	g[0] = -alpha / 100
	for j, b := range beta {
		lp += -0.5*b*b/100 - math.Log(10) - hwLnSqrt2Pi
		g[1+j] = -b / 100
	}
	for i, e := range h.eta {
		h.eta[i] = alpha + e
		h.e[i] = -math.Abs(alpha + e)
	}
	fastmath.ExpInto(h.e, h.e)
	fastmath.Log1pInto(h.sp, h.e)
	var dalpha float64
	for i, l := range h.eta {
		// y l - log(1 + e^l) is -softplus(a) with a = -l for y = 1 and
		// a = l for y = 0, and its derivative y - sigmoid(l) is
		// ±sigmoid(a); both through e^-|l|, so that nothing overflows, and
		// with bit masks in place of branches on random signs
		flip := uint64(h.y[i]) << 63
		a := math.Float64bits(l) ^ flip
		neg := uint64(int64(a) >> 63)
		lp -= math.Float64frombits(a&^neg) + h.sp[i]
		e := h.e[i]
		sig := math.Float64frombits(one&^neg|math.Float64bits(e)&neg) / (1 + e)
		r := math.Float64frombits(math.Float64bits(sig) ^ flip ^ sign)
		h.eta[i] = r
		dalpha += r
	}
	g[0] += dalpha
	matvec.MulT(g[1:], h.x, h.n, h.k, h.eta, true) // grad beta += X^T r
	return lp
}

type hwSV struct {
	r2    []float64
	w, l1 []float64 // scratch: -2s, e^(-2s), then w = r^2 e^(-2s)/nu; log(1 + w)
}

func (h *hwSV) Dim() int { return 2 + len(h.r2) }

func (h *hwSV) LogpGrad(x, g []float64) float64 {
	us, un := x[0], x[1]
	s := x[2:]
	gs := g[2:]
	sigma, nu := math.Exp(us), math.Exp(un)
	lp, dus := expLog(us, 50)
	l, dun := expLog(un, 0.1)
	lp += l

	// the walk: s[0] ~ Normal(0, sigma), s[t] ~ Normal(s[t-1], sigma)
	is2 := 1 / (sigma * sigma)
	var ss float64
	prev := 0.0
	for t, v := range s {
		d := v - prev
		ss += d * d
		gs[t] = -d * is2
		if t > 0 {
			gs[t-1] += d * is2
		}
		prev = v
	}
	n := float64(len(s))
	lp += -0.5*ss*is2 - n*(us+hwLnSqrt2Pi)
	dus += ss*is2 - n

	// r[t] ~ StudentT(nu, 0, e^s[t]); the parts that depend on nu alone
	// are computed once
	h2 := 0.5 * (nu + 1)
	lg1, _ := math.Lgamma(h2)
	lg2, _ := math.Lgamma(0.5 * nu)
	c := lg1 - lg2 - 0.5*math.Log(nu*math.Pi)
	inu := 1 / nu
	for t, v := range s {
		h.w[t] = -2 * v
	}
	fastmath.ExpInto(h.w, h.w)
	for t, e := range h.w {
		h.w[t] = h.r2[t] * e * inu
	}
	fastmath.Log1pInto(h.l1, h.w)
	var sumL, sumW, sumS float64
	for t, v := range s {
		w := h.w[t]
		q := w / (1 + w)
		sumL += h.l1[t]
		sumW += q
		sumS += v
		gs[t] += -1 + (nu+1)*q
	}
	lp += n*c - sumS - h2*sumL
	dnu := n*0.5*(mathext.Digamma(h2)-mathext.Digamma(0.5*nu)-inu) - 0.5*sumL + h2*sumW*inu
	g[0] = dus
	g[1] = dun + dnu*nu
	return lp
}
