package dist

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/shape"
)

// SetConstants tells the Term which parameters are constants: vals[i] holds
// the values of parameter i when it is one, nil otherwise. Call it once,
// after NewTerm and before the Term is shared. The logarithms and
// reciprocals of positive constants are taken here, once, rather than in
// the loops.
func (t *Term) SetConstants(vals [][]float64) {
	for i, v := range vals {
		if i >= len(t.maps) || v == nil || t.logIn[i] != 0 || t.comps > 0 || t.ev != nil {
			continue
		}
		logs := make([]float64, len(v))
		invs := make([]float64, len(v))
		for k, x := range v {
			if !(x > 0 && x <= math.MaxFloat64) {
				logs = nil
				break
			}
			logs[k], invs[k] = math.Log(x), 1/x
		}
		if logs == nil {
			continue
		}
		m := &t.maps[i]
		if m.Kind == shape.Scalar {
			t.constScale[i] = scale{inv: invs[0], log: logs[0], gf: invs[0]}
			t.constLogOK |= 1 << i
			continue
		}
		t.constLogs[i], t.constInvs[i] = logs, invs
		t.constInv2s[i] = make([]float64, len(invs))
		for k, iv := range invs {
			t.constInv2s[i][k] = iv * iv
		}
		var sum float64
		for k := range t.n {
			sum += logs[m.At(k)]
		}
		t.constLogSum[i] = sum
		if t.loop == lNormalVarying && i == 1 {
			t.loop = lNormalConstSigmas
		}
	}
}

// ForwardGrad writes the summed log-density into out[0] and adds its
// gradient into gin, in one pass over the elements (expr.GradKernel): a
// term's adjoint is always 1, and one loop shares the work the value and the
// gradient have in common. The gradient is only meaningful when the value is
// finite. Forward runs the same loops with no gradient asked for, so that
// the value with and without the gradient is the same to the last bit.
func (t *Term) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	switch t.loop {
	case lNormal:
		out[0] = t.normalForwardGrad(in, gin)
	case lNormalVarying:
		out[0] = t.normalForwardGradVarying(in, gin)
	case lNormalConstSigmas:
		out[0] = t.normalConstSigmas(in, gin)
	case lStudentT:
		out[0] = t.studentTScalarNu(in, gin)
	case lBernoulliLogit:
		out[0] = t.bernoulliLogitForwardGrad(in, gin)
	case lExponential:
		out[0] = t.exponentialForwardGrad(in, gin)
	case lHalfNormal:
		out[0] = t.halfNormalForwardGrad(in, gin)
	case lWalk:
		out[0] = t.walk(in, nil, gin, 1)
	case lEvent:
		out[0] = t.events(in, nil, gin, 1)
	case lMixture:
		t.Forward(in, out)
		if out[0] > negInf && !math.IsNaN(out[0]) {
			one := [1]float64{1}
			t.Backward(in, out, one[:], gin)
		}
	default:
		out[0] = t.genericForwardGrad(in, gin)
	}
}

// loop names the loop a Term runs: a form's own, for the forms and
// parameter shapes that have one, or the generic one.
type loop uint8

const (
	lGeneric loop = iota
	lNormal
	lNormalVarying
	lNormalConstSigmas // sigma a constant array
	lStudentT
	lBernoulliLogit
	lExponential
	lHalfNormal
	lWalk
	lMixture
	lEvent
)

// chooseLoop picks the Term's loop from its form and parameter shapes.
func (t *Term) chooseLoop() loop {
	scalar := func(i int) bool { return t.maps[i].Kind == shape.Scalar }
	switch t.f {
	case fNormal:
		if scalar(1) {
			return lNormal
		}
		return lNormalVarying
	case fStudentT:
		if scalar(0) {
			return lStudentT
		}
	case fBernoulliLogit:
		return lBernoulliLogit
	case fExponential:
		return lExponential
	case fHalfNormal:
		if scalar(0) {
			return lHalfNormal
		}
	case fWalk:
		return lWalk
	}
	return lGeneric
}

func (t *Term) genericForwardGrad(in [][]float64, gin [][]float64) float64 {
	need := t.needed(gin)
	gx := gin[0]
	var pb, db, acc Args
	p, dp := pb[:len(t.maps)], db[:len(t.maps)]
	t.readScalars(in, p)
	s := 0.0
	for k, x := range in[0][:t.n] {
		t.readVarying(in, p, k)
		if t.valueLog {
			y := x
			x = fastmath.Exp(x)
			s += y
		}
		lp, dx, g := logp(t.k, x, pb, need)
		db = g
		s += lp
		if gx != nil {
			if t.valueLog {
				dx = dx*x + 1
			}
			gx[k] += dx
		}
		if need == 0 {
			continue
		}
		t.toLogScale(p, dp, need)
		t.addParamGrads(need, k, 1, dp, &acc, gin)
	}
	for _, i := range t.scalars {
		if need&(1<<i) != 0 {
			gin[1+i][0] += acc[i]
		}
	}
	return s
}

// normalForwardGrad is Normal(mu, sigma) in one pass. With a scalar sigma
// (the common case: one noise scale for all the data) the loop sums the
// differences d = x - mu and their squares, unscaled, and the sums are
// scaled by 1/sigma once afterwards: the loop neither divides nor waits on
// the reciprocal, which waits on sigma, which is often an exponential just
// taken.
func (t *Term) normalForwardGrad(in [][]float64, gin [][]float64) float64 {
	// The scale first: across a call, every slice live in the registers
	// would be spilled and reloaded.
	var sc scale
	switch {
	case t.constLogOK&2 != 0:
		sc = t.constScale[1]
	case t.logOnly&2 != 0:
		// without a call but exp's, for the commonest case but constants
		y := in[2][0]
		if !(math.Abs(y) < maxLogScale) {
			return negInf
		}
		sc = scale{fastmath.Exp(-y), y, 1}
	default:
		var ok bool
		if sc, ok = t.scaleIn(in, 1); !ok {
			return negInf
		}
	}
	inv2 := sc.inv * sc.inv
	var sdd float64 // sum of d^2
	if t.maps[0].Kind == shape.Scalar {
		var sd float64
		x, m := in[0], in[1][0]
		switch gx := gin[0]; {
		case len(x) == 1:
			// a scalar prior, the commonest term: no call (the sums are
			// diffSums' to the last bit)
			sd = x[0] - m
			sdd = sd * sd
			if gx != nil {
				gx[0] -= sd * sc.inv * sc.inv
			}
		case gx != nil:
			sd, sdd = diffSumsGrad(x, m, gx, sc.inv)
		default:
			sd, sdd = diffSums(x, m)
		}
		if gmu := gin[1]; gmu != nil {
			gmu[0] += sd * inv2
		}
	} else {
		sdd = t.normalMuVarying(in[0], in[1], gin[0], gin[1], inv2)
	}
	n := float64(t.n)
	ss := sdd * inv2
	if gsg := gin[2]; gsg != nil {
		gsg[0] += (ss - n) * sc.gf
	}
	lp := -0.5*ss - n*(sc.log+lnSqrt2Pi)
	if !(lp > negInf) {
		return negInf
	}
	return lp
}

// normalMuVarying returns the sum of d^2, d = x - mu, with mu varying
// across the elements, and adds the gradients of x and mu, with inv2 =
// 1/sigma^2.
func (t *Term) normalMuVarying(x, mu, gx, gmu []float64, inv2 float64) float64 {
	var sdd float64
	if mm := &t.maps[0]; mm.Kind != shape.Full {
		idx := mm.Index[:len(x)]
		for k, v := range x {
			d := v - mu[idx[k]]
			sdd += d * d
			gd := d * inv2
			if gx != nil {
				gx[k] -= gd
			}
			if gmu != nil {
				gmu[idx[k]] += gd
			}
		}
		return sdd
	}
	// the sum first, the same whichever gradients are asked for, so that
	// the value never depends on them
	mu = mu[:len(x)]
	if gx == nil && gmu != nil {
		// a location computed elsewhere and data: one pass
		return squaredDiffsGrad(x, mu, gmu, inv2)
	}
	sdd = squaredDiffs(x, mu)
	switch {
	case gx != nil && gmu != nil:
		gx, gmu = gx[:len(x)], gmu[:len(x)]
		for k, v := range x {
			gd := (v - mu[k]) * inv2
			gx[k] -= gd
			gmu[k] += gd
		}
	case gx != nil:
		gx = gx[:len(x)]
		for k, v := range x {
			gx[k] -= (v - mu[k]) * inv2
		}
	case gmu != nil:
		gmu = gmu[:len(x)]
		for k, v := range x {
			gmu[k] += (v - mu[k]) * inv2
		}
	}
	return sdd
}

// diffSums returns the sums of d = x[k] - m and of d^2, three elements at a
// time into three accumulators a sum, so that each addition need not wait
// for the one before (four would not fit in the registers).
func diffSums(x []float64, m float64) (sd, sdd float64) {
	var a0, a1, a2, q0, q1, q2 float64
	k := 0
	for ; k+2 < len(x); k += 3 {
		d0, d1, d2 := x[k]-m, x[k+1]-m, x[k+2]-m
		a0 += d0
		q0 += d0 * d0
		a1 += d1
		q1 += d1 * d1
		a2 += d2
		q2 += d2 * d2
	}
	for ; k < len(x); k++ {
		d := x[k] - m
		a0 += d
		q0 += d * d
	}
	return a0 + a1 + a2, q0 + q1 + q2
}

// diffSumsGrad is diffSums, to the last bit, that also subtracts d c^2,
// the derivative with c = 1/sigma, from g[k], in the same pass.
func diffSumsGrad(x []float64, m float64, g []float64, c float64) (sd, sdd float64) {
	g = g[:len(x)]
	var a0, a1, a2, q0, q1, q2 float64
	k := 0
	for ; k+2 < len(x); k += 3 {
		d0, d1, d2 := x[k]-m, x[k+1]-m, x[k+2]-m
		a0 += d0
		q0 += d0 * d0
		a1 += d1
		q1 += d1 * d1
		a2 += d2
		q2 += d2 * d2
		g[k] -= d0 * c * c
		g[k+1] -= d1 * c * c
		g[k+2] -= d2 * c * c
	}
	for ; k < len(x); k++ {
		d := x[k] - m
		a0 += d
		q0 += d * d
		g[k] -= d * c * c
	}
	return a0 + a1 + a2, q0 + q1 + q2
}

// squaredDiffs returns the sum of (x[k] - mu[k])^2.
func squaredDiffs(x, mu []float64) float64 {
	mu = mu[:len(x)]
	var q0, q1, q2 float64
	k := 0
	for ; k+2 < len(x); k += 3 {
		d0, d1, d2 := x[k]-mu[k], x[k+1]-mu[k+1], x[k+2]-mu[k+2]
		q0 += d0 * d0
		q1 += d1 * d1
		q2 += d2 * d2
	}
	for ; k < len(x); k++ {
		d := x[k] - mu[k]
		q0 += d * d
	}
	return q0 + q1 + q2
}

// squaredDiffsGrad is squaredDiffs, to the last bit, that also adds
// (x[k] - mu[k]) c into g[k].
func squaredDiffsGrad(x, mu, g []float64, c float64) float64 {
	mu, g = mu[:len(x)], g[:len(x)]
	var q0, q1, q2 float64
	k := 0
	for ; k+2 < len(x); k += 3 {
		d0, d1, d2 := x[k]-mu[k], x[k+1]-mu[k+1], x[k+2]-mu[k+2]
		q0 += d0 * d0
		q1 += d1 * d1
		q2 += d2 * d2
		g[k] += d0 * c
		g[k+1] += d1 * c
		g[k+2] += d2 * c
	}
	for ; k < len(x); k++ {
		d := x[k] - mu[k]
		q0 += d * d
		g[k] += d * c
	}
	return q0 + q1 + q2
}

// normalForwardGradVarying is Normal(mu, sigma) with sigma varying across
// the elements and not a constant (normalConstSigmas): 1/sigma and
// log(sigma) are taken only when the element of sigma read changes from
// one element to the next, from its logarithm where that is given.
func (t *Term) normalForwardGradVarying(in [][]float64, gin [][]float64) float64 {
	x, mu, sg := in[0][:t.n], in[1], in[2]
	mm, sm := &t.maps[0], &t.maps[1]
	gx, gmu, gsg := gin[0], gin[1], gin[2]
	alone := t.logOnly&2 != 0
	var logs []float64
	if j := t.logIn[1]; j != 0 && !alone {
		logs = in[j]
	}
	last, inv, ls, gf := -1, 0.0, 0.0, 0.0
	var ss, sls, accMu float64
	for k, v := range x {
		si := sm.At(k)
		if si != last {
			last = si
			q := sg[si]
			switch {
			case alone:
				if !(math.Abs(q) < maxLogScale) {
					return negInf
				}
				inv, ls, gf = fastmath.Exp(-q), q, 1
			case !(q > 0 && q <= math.MaxFloat64):
				return negInf
			default:
				inv = 1 / q
				gf = inv
				if logs != nil {
					ls = logs[si]
				} else {
					ls = fastmath.Log(q)
				}
			}
		}
		mi := mm.At(k)
		z := (v - mu[mi]) * inv
		ss += z * z
		sls += ls
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
			gsg[si] += (z*z - 1) * gf
		}
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += accMu
	}
	s := -0.5*ss - sls - float64(t.n)*lnSqrt2Pi
	if !(s > negInf) {
		return negInf
	}
	return s
}

// normalConstSigmas is Normal(mu, sigma) with sigma a constant array, whose
// reciprocal squares and the sum of whose logarithms are ready: a group of
// free variables with constant priors (see compile's siblings), the
// standard normal and its neighbours, or data with known errors. The
// commonest case, a scalar mu and the value's gradient alone, has a loop
// of its own, and nothing but that loop, so that no variable has to be
// kept across a call.
func (t *Term) normalConstSigmas(in [][]float64, gin [][]float64) float64 {
	if t.maps[0].Kind != shape.Scalar || t.maps[1].Kind != shape.Full || gin[1] != nil || gin[2] != nil {
		return t.normalConstSigmasAll(in, gin)
	}
	x, m := in[0], in[1][0]
	inv2 := t.constInv2s[1][:len(x)]
	var ss float64
	if gx := gin[0]; gx != nil {
		gx = gx[:len(x)]
		for k, v := range x {
			d := v - m
			w := d * inv2[k]
			ss += d * w
			gx[k] -= w
		}
	} else {
		for k, v := range x {
			d := v - m
			ss += d * (d * inv2[k])
		}
	}
	return t.normalConstValue(ss)
}

// normalConstValue is the log-density from the sum of z^2 with constant
// sigmas.
func (t *Term) normalConstValue(ss float64) float64 {
	s := -0.5*ss - t.constLogSum[1] - float64(t.n)*lnSqrt2Pi
	if !(s > negInf) {
		return negInf
	}
	return s
}

// normalConstSigmasAll is normalConstSigmas for any shapes and gradients;
// the sum is formed as there, so that the value does not depend on the
// gradients asked for.
func (t *Term) normalConstSigmasAll(in [][]float64, gin [][]float64) float64 {
	x, mu, inv2, invs := in[0][:t.n], in[1], t.constInv2s[1], t.constInvs[1]
	gx, gmu, gsg := gin[0], gin[1], gin[2]
	mm, sm := &t.maps[0], &t.maps[1]
	var ss, accMu float64
	for k, v := range x {
		si, mi := sm.At(k), mm.At(k)
		d := v - mu[mi]
		w := d * inv2[si] // d/sigma^2, the derivative in mu and -x
		ss += d * w
		if gx != nil {
			gx[k] -= w
		}
		if gmu != nil {
			if mm.Kind == shape.Scalar {
				accMu += w
			} else {
				gmu[mi] += w
			}
		}
		if gsg != nil {
			gsg[si] += (d*w - 1) * invs[si]
		}
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += accMu
	}
	return t.normalConstValue(ss)
}

// chunk is the number of elements the loops that call fastmath's slice
// kernels handle at a time, in buffers on the stack; stChunk is
// StudentT's, smaller, for its loop is run on short data too, and the
// buffers are cleared at every call.
const (
	chunk   = 128
	stChunk = 64
)

// bernoulliLogitForwardGrad is Bernoulli(logit_p) in one pass. Value and
// derivative in l, v - sigmoid(l), come from one exponential: with a = l
// for v = 0 and a = -l for v = 1 the log-density is -softplus(a) =
// -(max(a, 0) + log(1 + e)) and the derivative (2v-1) sigmoid(a) =
// ±(a >= 0 ? 1 : e)/(1 + e), e = exp(-|l|). The cases are chosen with bit
// masks rather than branches, which the random signs of l and the 0/1
// data would mispredict half the time. The exponentials and logarithms of
// a chunk each go through one slice kernel, and the rest of the arithmetic
// through a third (logit_amd64.s, four elements at a time, where it runs):
// short separate loops let the processor overlap more elements than one
// loop doing everything, whose long chain of dependent operations per
// element fills its window. The derivatives are added to the gradient
// after, in a loop of their own for each layout of l.
func (t *Term) bernoulliLogitForwardGrad(in [][]float64, gin [][]float64) float64 {
	const one, sign = 0x3ff0000000000000, 1 << 63
	x, lg := in[0][:t.n], in[1]
	lm := &t.maps[0]
	gl := gin[1]
	var lb, eb, sb, db [chunk]float64
	s := 0.0
	var acc float64
	for k0 := 0; k0 < len(x); k0 += chunk {
		xs := x[k0:min(k0+chunk, len(x))]
		ls, es, sp, ds := lb[:len(xs)], eb[:len(xs)], sb[:len(xs)], db[:len(xs)]
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
		done, part := logitVector(ls, xs, es, sp, ds)
		s -= part
		for i := done; i < len(xs); i++ {
			v := xs[i]
			if v != 0 && v != 1 {
				return negInf
			}
			flip := uint64(v) << 63
			a := math.Float64bits(ls[i]) ^ flip
			neg := uint64(int64(a) >> 63) // all ones when a < 0
			s -= math.Float64frombits(a&^neg) + sp[i]
			e := es[i]
			sig := math.Float64frombits(one&^neg|math.Float64bits(e)&neg) / (1 + e)
			ds[i] = math.Float64frombits(math.Float64bits(sig) ^ flip ^ sign)
		}
		if gl == nil {
			continue
		}
		switch lm.Kind {
		case shape.Scalar:
			for _, d := range ds {
				acc += d
			}
		case shape.Full:
			g := gl[k0 : k0+len(ds)]
			for i, d := range ds {
				g[i] += d
			}
		default:
			for i, d := range ds {
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
// loop works with w = 1/(nu sigma^2), t = d^2 w for the distance d = x - mu,
// a chunk of elements at a time, the log(1 + t) and any logarithms or
// exponentials of sigma going through fastmath's slice kernels: w comes
// from a constant's reciprocal ready in advance, from exp(-2 log sigma)
// where log(sigma) is given alone (no division, no logarithm), or from
// 1/sigma, with log(sigma) given or taken.
func (t *Term) studentTScalarNu(in [][]float64, gin [][]float64) float64 {
	x, nus, mu, sg := in[0][:t.n], in[1], in[2], in[3]
	mm, sm := &t.maps[1], &t.maps[2]
	gx, gnu, gmu, gsg := gin[0], gin[1], gin[2], gin[3]
	nu := nus[0]
	if t.logOnly&1 != 0 {
		if !(math.Abs(nu) < maxLogScale) {
			return negInf
		}
		nu = fastmath.Exp(nu)
	}
	if !(nu > 0) {
		return negInf
	}
	n := float64(t.n)
	h := 0.5 * (nu + 1)
	c := lgamma(h) - lgamma(0.5*nu) - 0.5*fastmath.Log(nu*math.Pi)
	inu, nu1 := 1/nu, nu+1
	// src says where w and log(sigma) come from, per element
	const (
		srcScalar = iota
		srcConst
		srcAlone
		srcGiven
		srcTaken
	)
	src := srcScalar
	var sc scale
	var sumLS float64 // sum of log(sigma)
	var logs, invs []float64
	if sm.Kind == shape.Scalar {
		var ok bool
		if sc, ok = t.scaleOf(in, 2); !ok {
			return negInf
		}
		sumLS = n * sc.log
	} else {
		switch {
		case t.constInvs[2] != nil:
			src, invs, sumLS = srcConst, t.constInvs[2], t.constLogSum[2]
		case t.logOnly&4 != 0:
			src = srcAlone
		case t.logIn[2] != 0:
			src, logs = srcGiven, in[t.logIn[2]]
		default:
			src = srcTaken
		}
	}
	w0 := sc.inv * sc.inv * inu
	// muAt and sgAt index mu and sigma by element, without a map's switch
	// for a full one
	full := func(m *shape.Map) bool { return m.Kind == shape.Full }
	muAt := func(k int) float64 {
		if full(mm) {
			return mu[k]
		}
		return mu[mm.At(k)]
	}
	sgAt := func(k int) int {
		if full(sm) {
			return k
		}
		return sm.At(k)
	}
	// per chunk: w, t and log(1 + t); small chunks, since the buffers are
	// cleared at every call
	var wb, tb, lb [stChunk]float64
	var sumL, sumQ, accMu float64
	for k0 := 0; k0 < len(x); k0 += stChunk {
		xs := x[k0:min(k0+stChunk, len(x))]
		w, tt, l1 := wb[:len(xs)], tb[:len(xs)], lb[:len(xs)]
		switch src {
		case srcScalar:
			for i := range w {
				w[i] = w0
			}
		case srcConst:
			for i := range w {
				iv := invs[sgAt(k0+i)]
				w[i] = iv * iv * inu
			}
		case srcAlone:
			for i := range w {
				y := sg[sgAt(k0+i)]
				if !(math.Abs(y) < maxLogScale) {
					return negInf
				}
				sumLS += y
				w[i] = -2 * y
			}
			fastmath.ExpInto(w, w)
			for i := range w {
				w[i] *= inu
			}
		default:
			for i := range w {
				si := sgAt(k0 + i)
				sigma := sg[si]
				if !(sigma > 0 && sigma <= math.MaxFloat64) {
					return negInf
				}
				iv := 1 / sigma
				w[i] = iv * iv * inu
				if src == srcGiven {
					sumLS += logs[si]
				} else {
					l1[i] = sigma
				}
			}
			if src == srcTaken {
				fastmath.LogInto(l1, l1)
				for _, l := range l1 {
					sumLS += l
				}
			}
		}
		if mm.Kind == shape.Scalar {
			m := mu[0]
			for i, v := range xs {
				d := v - m
				tt[i] = d * d * w[i]
			}
		} else {
			for i, v := range xs {
				d := v - muAt(k0+i)
				tt[i] = d * d * w[i]
			}
		}
		fastmath.Log1pInto(l1, tt)
		if gx == nil && gmu == nil && (gsg == nil || src == srcAlone && full(sm)) {
			// the likelihood of data with a scale per element given by
			// its logarithm (stochastic volatility): the sums and the
			// scale's gradient alone
			var g []float64
			if gsg != nil {
				g = gsg[k0 : k0+len(tt)]
			}
			l1 = l1[:len(tt)]
			for i, ti := range tt {
				sumL += l1[i]
				q := ti / (1 + ti)
				sumQ += q
				if g != nil {
					g[i] += nu1*q - 1 // in log(sigma)
				}
			}
			continue
		}
		for i, ti := range tt {
			sumL += l1[i]
			den := 1 / (1 + ti)
			q := ti * den
			sumQ += q
			k := k0 + i
			if gx != nil || gmu != nil {
				dd := -nu1 * (xs[i] - muAt(k)) * w[i] * den
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
			if gsg != nil && src != srcScalar {
				si := sgAt(k)
				ds := nu1*q - 1 // in log(sigma)
				switch src {
				case srcConst:
					ds *= invs[si]
				case srcGiven, srcTaken:
					ds /= sg[si]
				}
				gsg[si] += ds
			}
		}
	}
	s := n*c - (sumLS + h*sumL)
	if gnu != nil {
		d := n*0.5*(digamma(h)-digamma(0.5*nu)-inu) - 0.5*sumL + h*sumQ*inu
		if t.logOnly&1 != 0 {
			d *= nu // in log(nu)
		}
		gnu[0] += d
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += accMu
	}
	if gsg != nil && src == srcScalar {
		gsg[0] += (nu1*sumQ - n) * sc.gf
	}
	if !(s > negInf) {
		return negInf
	}
	return s
}

// exponentialForwardGrad is Exponential(lam); with a scalar lam, n log(lam)
// - lam sum(x).
func (t *Term) exponentialForwardGrad(in [][]float64, gin [][]float64) float64 {
	if t.maps[0].Kind != shape.Scalar {
		return t.exponentialVarying(in, gin)
	}
	// lam first: across a call, every slice live in the registers would be
	// spilled and reloaded
	var lam, llam float64
	alone := t.logOnly&1 != 0
	switch {
	case t.constLogOK&1 != 0:
		lam, llam = in[1][0], t.constScale[0].log
	case alone:
		llam = in[1][0]
		if !(math.Abs(llam) < maxLogScale) {
			return negInf
		}
		lam = fastmath.Exp(llam)
	default:
		lam = in[1][0]
		if !(lam > 0) {
			return negInf
		}
		llam = t.logOf(in, 0, lam)
	}
	var sx, sy float64
	switch x, gx := in[0], gin[0]; {
	case t.valueLog && len(x) == 1:
		// a scalar prior on the log scale, the commonest
		sy = x[0]
		sx = fastmath.Exp(sy)
		if gx != nil {
			gx[0] += 1 - lam*sx
		}
	case t.valueLog:
		// the value from its logarithm y, and the gradient in that, of
		// the density plus the log-Jacobian y: 1 - lam x
		for k, y := range x {
			v := fastmath.Exp(y)
			sx += v
			sy += y
			if gx != nil {
				gx[k] += 1 - lam*v
			}
		}
	default:
		for k, v := range x {
			if v < 0 {
				return negInf
			}
			sx += v
			if gx != nil {
				gx[k] -= lam
			}
		}
	}
	n := float64(t.n)
	if gl := gin[1]; gl != nil {
		if alone {
			gl[0] += n - lam*sx
		} else {
			gl[0] += n/lam - sx
		}
	}
	return n*llam - lam*sx + sy
}

// exponentialVarying is Exponential(lam) with lam varying across the
// elements (a group of free variables with different constant rates, say),
// its logarithms ready for a constant, given, or taken here.
func (t *Term) exponentialVarying(in [][]float64, gin [][]float64) float64 {
	x, lg := in[0][:t.n], in[1]
	lm := &t.maps[0]
	gx, gl := gin[0], gin[1]
	alone := t.logOnly&1 != 0
	logs := t.constLogs[0]
	if j := t.logIn[0]; j != 0 && !alone {
		logs = in[j]
	}
	var s float64
	for k, v := range x {
		li := lm.At(k)
		lam, ll := lg[li], 0.0
		if alone {
			if !(math.Abs(lam) < maxLogScale) {
				return negInf
			}
			lam, ll = fastmath.Exp(lam), lam
		} else {
			if !(lam > 0) {
				return negInf
			}
			if logs != nil {
				ll = logs[li]
			} else {
				ll = fastmath.Log(lam)
			}
		}
		dx := -lam
		if t.valueLog {
			y := v
			v = fastmath.Exp(y)
			dx = 1 - lam*v // in y = log(x), with the log-Jacobian y
			s += y
		} else if v < 0 {
			return negInf
		}
		s += ll - lam*v
		if gx != nil {
			gx[k] += dx
		}
		if gl != nil {
			if alone {
				gl[li] += 1 - lam*v
			} else {
				gl[li] += 1/lam - v
			}
		}
	}
	return s
}

// halfNormalForwardGrad is HalfNormal(sigma) with a scalar sigma.
func (t *Term) halfNormalForwardGrad(in [][]float64, gin [][]float64) float64 {
	x := in[0][:t.n]
	gx, gs := gin[0], gin[1]
	sc, ok := t.scaleOf(in, 0)
	if !ok {
		return negInf
	}
	inv2 := sc.inv * sc.inv
	var sxx, sy float64
	for k, v := range x {
		if t.valueLog {
			// the gradient in y = log(x), log-Jacobian y included
			sy += v
			v = fastmath.Exp(v)
			sxx += v * v
			if gx != nil {
				gx[k] += 1 - v*v*inv2
			}
			continue
		}
		if v < 0 {
			return negInf
		}
		sxx += v * v
		if gx != nil {
			gx[k] -= v * inv2
		}
	}
	n := float64(t.n)
	ss := sxx * inv2
	if gs != nil {
		gs[0] += (ss - n) * sc.gf
	}
	return -0.5*ss + n*(lnSqrt2OverPi-sc.log) + sy
}
