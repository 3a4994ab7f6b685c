package dist

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/shape"
)

// SetConstants tells the Term which parameters are constants: vals[i] holds
// the values of parameter i when it is one, nil otherwise. Call it once,
// after NewTerm and before the Term is shared.
func (t *Term) SetConstants(vals [][]float64) {
	for i, v := range vals {
		if i >= len(t.maps) || v == nil {
			continue
		}
		logs := make([]float64, len(v))
		for k, x := range v {
			if !(x > 0) {
				logs = nil
				break
			}
			logs[k] = math.Log(x)
		}
		if logs == nil {
			continue
		}
		if t.maps[i].Kind == shape.Scalar {
			t.constLog[i] = logs[0]
			t.constLogOK |= 1 << i
		} else {
			t.constLogs[i] = logs
		}
	}
}

// logParam is log(p) for parameter i with value p (> 0).
func (t *Term) logParam(i int, p float64) float64 {
	if t.constLogOK&(1<<i) != 0 {
		return t.constLog[i]
	}
	return math.Log(p)
}

// ForwardGrad writes the summed log-density into out[0] and adds its
// gradient into gin, in one pass over the elements (expr.GradKernel): a
// term's adjoint is always 1, and one loop shares the work the value and the
// gradient have in common. The gradient is only meaningful when the value is
// finite.
func (t *Term) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	if v, ok := t.special(in, gin); ok {
		out[0] = v
		return
	}
	switch t.f {
	case fWalk:
		out[0] = walk(in, t.steps, nil, gin, 1)
		return
	case fNormalMix:
		t.Forward(in, out)
		if out[0] > negInf && !math.IsNaN(out[0]) {
			one := [1]float64{1}
			t.Backward(in, out, one[:], gin)
		}
		return
	}
	out[0] = t.genericForwardGrad(in, gin)
}

// special runs the loop of the forms that have their own, with the
// gradients of gin's non-nil entries; ok is false for the other forms.
// Forward goes through it too (with no gradient asked for), so that the
// value with and without the gradient is the same to the last bit.
func (t *Term) special(in [][]float64, gin [][]float64) (v float64, ok bool) {
	switch t.f {
	case fNormal:
		return t.normalForwardGrad(in, gin), true
	case fStudentT:
		if t.maps[0].Kind == shape.Scalar {
			return t.studentTScalarNu(in, gin), true
		}
	case fBernoulliLogit:
		return t.bernoulliLogitForwardGrad(in, gin), true
	case fExponential:
		if t.maps[0].Kind == shape.Scalar {
			return t.exponentialForwardGrad(in, gin), true
		}
	case fHalfNormal:
		if t.maps[0].Kind == shape.Scalar {
			return t.halfNormalForwardGrad(in, gin), true
		}
	}
	return 0, false
}

func (t *Term) genericForwardGrad(in [][]float64, gin [][]float64) float64 {
	var need uint8
	for i := range t.maps {
		if gin[1+i] != nil {
			need |= 1 << i
		}
	}
	gx := gin[0]
	var pb, db, acc [maxParams]float64
	p, dp := pb[:len(t.maps)], db[:len(t.maps)]
	for _, i := range t.scalars {
		p[i] = in[1+i][0]
	}
	s := 0.0
	for k, x := range in[0][:t.n] {
		for _, i := range t.varying {
			p[i] = in[1+i][t.maps[i].At(k)]
		}
		lp, dx := t.f.logp(x, p, dp, need)
		s += lp
		if gx != nil {
			gx[k] += dx
		}
		if need == 0 {
			continue
		}
		for i := range t.maps {
			if need&(1<<i) == 0 {
				continue
			}
			switch m := &t.maps[i]; m.Kind {
			case shape.Scalar:
				acc[i] += dp[i]
			case shape.Full:
				gin[1+i][k] += dp[i]
			default:
				gin[1+i][m.Index[k]] += dp[i]
			}
		}
	}
	for _, i := range t.scalars {
		if need&(1<<i) != 0 {
			gin[1+i][0] += acc[i]
		}
	}
	return s
}

// normalForwardGrad is Normal(mu, sigma) in one pass. With a scalar sigma
// (the common case: one noise scale for all the data) the loop reduces to
// the sums of z and z², without a division or a logarithm per element.
func (t *Term) normalForwardGrad(in [][]float64, gin [][]float64) float64 {
	x, mu, sg := in[0][:t.n], in[1], in[2]
	mm, sm := &t.maps[0], &t.maps[1]
	gx, gmu, gsg := gin[0], gin[1], gin[2]
	n := float64(t.n)
	if sm.Kind != shape.Scalar {
		return t.normalForwardGradVarying(in, gin)
	}
	sigma := sg[0]
	if !(sigma > 0) {
		return negInf
	}
	inv := 1 / sigma
	var ss, sz float64 // sum of z^2 and of z
	switch {
	case mm.Kind == shape.Scalar && gx == nil:
		m := mu[0]
		for _, v := range x {
			z := (v - m) * inv
			ss += z * z
			sz += z
		}
		if gmu != nil {
			gmu[0] += sz * inv
		}
	case mm.Kind == shape.Scalar:
		m := mu[0]
		gx = gx[:len(x)]
		for k, v := range x {
			z := (v - m) * inv
			ss += z * z
			sz += z
			gx[k] -= z * inv
		}
		if gmu != nil {
			gmu[0] += sz * inv
		}
	case mm.Kind == shape.Full:
		mu = mu[:len(x)]
		for k, v := range x {
			z := (v - mu[k]) * inv
			ss += z * z
			d := z * inv
			if gx != nil {
				gx[k] -= d
			}
			if gmu != nil {
				gmu[k] += d
			}
		}
	default:
		idx := mm.Index
		for k, v := range x {
			z := (v - mu[idx[k]]) * inv
			ss += z * z
			d := z * inv
			if gx != nil {
				gx[k] -= d
			}
			if gmu != nil {
				gmu[idx[k]] += d
			}
		}
	}
	if gsg != nil {
		gsg[0] += (ss - n) * inv
	}
	lp := -0.5*ss - n*(t.logParam(1, sigma)+lnSqrt2Pi)
	if !(lp > negInf) {
		return negInf
	}
	return lp
}

// normalForwardGradVarying is Normal(mu, sigma) with sigma varying across
// the elements; log(sigma) is taken only when it changes from one element
// to the next.
func (t *Term) normalForwardGradVarying(in [][]float64, gin [][]float64) float64 {
	x, mu, sg := in[0][:t.n], in[1], in[2]
	mm, sm := &t.maps[0], &t.maps[1]
	gx, gmu, gsg := gin[0], gin[1], gin[2]
	last, ls, inv := math.NaN(), 0.0, 0.0
	s := 0.0
	var accMu float64
	logs := t.constLogs[1]
	for k, v := range x {
		si := sm.At(k)
		sigma := sg[si]
		if sigma != last {
			if !(sigma > 0) {
				return negInf
			}
			last, inv = sigma, 1/sigma
			if logs != nil {
				ls = logs[si]
			} else {
				ls = math.Log(sigma)
			}
		}
		mi := mm.At(k)
		z := (v - mu[mi]) * inv
		s -= 0.5*z*z + ls
		d := z * inv
		if gx != nil {
			gx[k] -= d
		}
		if gmu != nil {
			if mm.Kind == shape.Scalar {
				accMu += d
			} else {
				gmu[mi] += d
			}
		}
		if gsg != nil {
			gsg[si] += (z*z - 1) * inv
		}
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += accMu
	}
	s -= float64(t.n) * lnSqrt2Pi
	if !(s > negInf) {
		return negInf
	}
	return s
}

// chunk is the number of elements the loops that call fastmath's slice
// kernels handle at a time, in buffers on the stack.
const chunk = 128

// bernoulliLogitForwardGrad is Bernoulli(logit_p) in one pass. Value and
// derivative in l, v - sigmoid(l), come from one exponential: with a = l
// for v = 0 and a = -l for v = 1 the log-density is -softplus(a) =
// -(max(a, 0) + log(1 + e)) and the derivative (2v-1) sigmoid(a) =
// ±(a >= 0 ? 1 : e)/(1 + e), e = exp(-|l|). The cases are chosen with bit
// masks rather than branches, which the random signs of l and the 0/1
// data would mispredict half the time. The exponentials and logarithms of
// a chunk each go through one slice kernel: short separate loops let the
// processor overlap more elements than one loop doing everything, whose
// long chain of dependent operations per element fills its window.
func (t *Term) bernoulliLogitForwardGrad(in [][]float64, gin [][]float64) float64 {
	const one, sign = 0x3ff0000000000000, 1 << 63
	x, lg := in[0][:t.n], in[1]
	lm := &t.maps[0]
	gl := gin[1]
	var lb, eb, sb [chunk]float64
	s := 0.0
	var acc float64
	for k0 := 0; k0 < len(x); k0 += chunk {
		xs := x[k0:min(k0+chunk, len(x))]
		ls, es, sp := lb[:len(xs)], eb[:len(xs)], sb[:len(xs)]
		if lm.Kind == shape.Full {
			ls = lg[k0 : k0+len(xs)]
		} else {
			for i := range ls {
				ls[i] = lg[lm.At(k0+i)]
			}
		}
		for i, l := range ls {
			es[i] = -math.Abs(l)
		}
		fastmath.ExpInto(es, es)
		fastmath.Log1pInto(sp, es)
		for i, v := range xs {
			if v != 0 && v != 1 {
				return negInf
			}
			flip := uint64(v) << 63
			a := math.Float64bits(ls[i]) ^ flip
			neg := uint64(int64(a) >> 63) // all ones when a < 0
			s -= math.Float64frombits(a&^neg) + sp[i]
			if gl == nil {
				continue
			}
			e := es[i]
			sig := math.Float64frombits(one&^neg|math.Float64bits(e)&neg) / (1 + e)
			d := math.Float64frombits(math.Float64bits(sig) ^ flip ^ sign)
			switch lm.Kind {
			case shape.Scalar:
				acc += d
			case shape.Full:
				gl[k0+i] += d
			default:
				gl[lm.Index[k0+i]] += d
			}
		}
	}
	if gl != nil && lm.Kind == shape.Scalar {
		gl[0] += acc
	}
	return s
}

// studentTScalarNu is StudentT(nu, mu, sigma) with a scalar nu in one pass:
// the normalising constant and its derivative in nu, two log-gammas and two
// digammas, are computed once per call instead of once per element. The
// logarithms of a varying sigma and the log(1 + t) terms go through
// fastmath's slice kernels a chunk at a time, and each element divides
// twice (1/sigma, 1/(1+t)) instead of four times.
func (t *Term) studentTScalarNu(in [][]float64, gin [][]float64) float64 {
	x, nus, mu, sg := in[0][:t.n], in[1], in[2], in[3]
	mm, sm := &t.maps[1], &t.maps[2]
	gx, gnu, gmu, gsg := gin[0], gin[1], gin[2], gin[3]
	nu := nus[0]
	if !(nu > 0) {
		return negInf
	}
	h := 0.5 * (nu + 1)
	c := lgamma(h) - lgamma(0.5*nu) - 0.5*math.Log(nu*math.Pi)
	inu, nu1 := 1/nu, nu+1
	var sumLS float64 // sum of log(sigma)
	var inv0 float64  // 1/sigma when it is a scalar
	if sm.Kind == shape.Scalar {
		sigma := sg[0]
		if !(sigma > 0) {
			return negInf
		}
		inv0 = 1 / sigma
		sumLS = float64(t.n) * t.logParam(2, sigma)
	}
	logs := t.constLogs[2]
	// per chunk: the distance d, 1/sigma, then t = d^2/(nu sigma^2), then
	// log(1 + t); sigma and its logarithm pass through lb first
	var db, ib, tb, lb [chunk]float64
	var sumL, sumQ, accMu, accSg float64
	for k0 := 0; k0 < len(x); k0 += chunk {
		xs := x[k0:min(k0+chunk, len(x))]
		d, is, tt, l1 := db[:len(xs)], ib[:len(xs)], tb[:len(xs)], lb[:len(xs)]
		for i, v := range xs {
			d[i] = v - mu[mm.At(k0+i)]
		}
		if sm.Kind == shape.Scalar {
			for i := range is {
				is[i] = inv0
			}
		} else {
			for i := range l1 {
				sigma := sg[sm.At(k0+i)]
				if !(sigma > 0) {
					return negInf
				}
				l1[i] = sigma
				is[i] = 1 / sigma
			}
			if logs != nil {
				for i := range l1 {
					sumLS += logs[sm.At(k0+i)]
				}
			} else {
				fastmath.LogInto(l1, l1)
				for _, l := range l1 {
					sumLS += l
				}
			}
		}
		for i, di := range d {
			tt[i] = di * di * inu * is[i] * is[i]
		}
		fastmath.Log1pInto(l1, tt)
		for i, ti := range tt {
			sumL += l1[i]
			den := 1 / (1 + ti)
			q := ti * den
			sumQ += q
			k := k0 + i
			if gx != nil || gmu != nil {
				dd := -nu1 * d[i] * inu * is[i] * is[i] * den
				if gx != nil {
					gx[k] += dd
				}
				if gmu != nil {
					if mm.Kind == shape.Scalar {
						accMu -= dd
					} else {
						gmu[mm.At(k)] -= dd
					}
				}
			}
			if gsg != nil {
				ds := (nu1*q - 1) * is[i]
				if sm.Kind == shape.Scalar {
					accSg += ds
				} else {
					gsg[sm.At(k)] += ds
				}
			}
		}
	}
	n := float64(t.n)
	s := n*c - (sumLS + h*sumL)
	if gnu != nil {
		gnu[0] += n*0.5*(digamma(h)-digamma(0.5*nu)-inu) - 0.5*sumL + h*sumQ*inu
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += accMu
	}
	if gsg != nil && sm.Kind == shape.Scalar {
		gsg[0] += accSg
	}
	if !(s > negInf) {
		return negInf
	}
	return s
}

// exponentialForwardGrad is Exponential(lam) with a scalar lam: n log(lam)
// - lam sum(x).
func (t *Term) exponentialForwardGrad(in [][]float64, gin [][]float64) float64 {
	x := in[0][:t.n]
	lam := in[1][0]
	gx, gl := gin[0], gin[1]
	if !(lam > 0) {
		return negInf
	}
	var sx float64
	for k, v := range x {
		if v < 0 {
			return negInf
		}
		sx += v
		if gx != nil {
			gx[k] -= lam
		}
	}
	n := float64(t.n)
	if gl != nil {
		gl[0] += n/lam - sx
	}
	return n*t.logParam(0, lam) - lam*sx
}

// halfNormalForwardGrad is HalfNormal(sigma) with a scalar sigma.
func (t *Term) halfNormalForwardGrad(in [][]float64, gin [][]float64) float64 {
	x := in[0][:t.n]
	sigma := in[1][0]
	gx, gs := gin[0], gin[1]
	if !(sigma > 0) {
		return negInf
	}
	inv := 1 / sigma
	var ss float64
	for k, v := range x {
		if v < 0 {
			return negInf
		}
		z := v * inv
		ss += z * z
		if gx != nil {
			gx[k] -= z * inv
		}
	}
	n := float64(t.n)
	if gs != nil {
		gs[0] += (ss - n) * inv
	}
	return -0.5*ss + n*(lnSqrt2OverPi-t.logParam(0, sigma))
}
