package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/matvec"
	"github.com/exmc/exmc/core/shape"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// MvNormal(mu, cov | chol | tau) and MvStudentT(nu, mu, scale | chol |
// tau) over the last axis of the value: each row x (all leading axes
// flattened) has the density
//
//	c - log|L| + phi(q),   q = (x - mu)' S^-1 (x - mu),  S = L L'
//
// with S the covariance (or scale) matrix, given as itself, by its lower
// Cholesky factor L, or by its inverse (the precision tau, whose own
// factor then gives q = |L_tau' (x - mu)|^2 and +log|L_tau|). For the
// Normal c = -k/2 log(2 pi) and phi(q) = -q/2; for Student's t
// c = lgamma((nu+k)/2) - lgamma(nu/2) - k/2 log(nu pi) and
// phi(q) = -(nu+k)/2 log1p(q/nu), as PyMC writes them.
//
// They are of the Event layout (event.go): mu's last axis and the
// matrix's last two are event axes, nu has none. A Term does not go
// event by event: rows that share a matrix share its factor. The matrix
// is factored with LAPACK's dpotrf, once at compile time when it is a
// constant (NewTermConst), per evaluation into the term's scratch space
// otherwise; nothing allocates. A matrix that is not positive definite (or a
// Cholesky factor without a positive diagonal) makes the log-density -Inf:
// a rejected point, never an error. The gradient in the matrix follows
// LAPACK's reading of it: only the lower triangle is read, so the upper
// one gets no gradient and an off-diagonal element of the lower one gets
// the derivative of both its symmetric places (PyTensor's convention for
// its Cholesky op).

// mvMatrix says what a multivariate variant's matrix parameter is.
type mvMatrix uint8

const (
	mvCov  mvMatrix = iota // the covariance (MvStudentT: the scale matrix)
	mvChol                 // its lower Cholesky factor
	mvTau                  // its inverse
)

// mvFamily is the density's function of the squared distance q.
type mvFamily uint8

const (
	mvNormal mvFamily = iota
	mvStudentT
)

// mvSpec is what a multivariate term knows of its operands.
type mvSpec struct {
	fam        mvFamily
	mat        mvMatrix
	k, rows    int
	nu, mu, m  int       // parameter positions, nu -1 when there is none
	muMap      shape.Map // mu over the value's elements
	matMap     shape.Map // the matrix over the rows
	nuMap      shape.Map // nu over the rows
	mats       int       // matrices in the parameter
	scratchLen int
	// A constant matrix's factors (mats of k*k values), their log
	// determinants log|L| and whether each is valid, from SetConstants.
	cfac  []float64
	chalf []float64
	cok   []bool
	// cprec holds each constant matrix's S^-1 in full (symmetric), so that
	// S^-1 (x - mu) is one matrix-vector product (core/matvec) rather
	// than two triangular solves
	cprec []float64
}

// newMvSpec checks the shapes of a multivariate variant: a value (..., k),
// mu broadcasting to it, the matrix (..., k, k) with its leading axes
// broadcasting to the value's, nu to the value's leading axes.
func newMvSpec(v *Variant, value []int, params [][]int) (*mvSpec, error) {
	name := v.Dist.Name
	if len(value) == 0 || value[len(value)-1] < 1 {
		return nil, fmt.Errorf("%s: the value needs a last axis of at least one element, got shape %s", name, shape.String(value))
	}
	s := &mvSpec{}
	s.nu, s.mu, s.m, s.mat = mvLayout(v.Params)
	if s.nu >= 0 {
		s.fam = mvStudentT
	}
	k := value[len(value)-1]
	batch := value[:len(value)-1]
	s.k = k
	s.rows = shape.Size(batch)
	var err error
	if s.muMap, err = shape.NewMap(params[s.mu], value); err != nil {
		return nil, fmt.Errorf("%s: mu of shape %s does not broadcast to the value's shape %s",
			name, shape.String(params[s.mu]), shape.String(value))
	}
	ms := params[s.m]
	if len(ms) < 2 || ms[len(ms)-1] != k || ms[len(ms)-2] != k {
		return nil, fmt.Errorf("%s: %s must have shape (..., %d, %d) for a value of shape %s, got %s",
			name, v.Params[s.m], k, k, shape.String(value), shape.String(ms))
	}
	mb := ms[:len(ms)-2]
	if s.matMap, err = shape.NewMap(mb, batch); err != nil {
		return nil, fmt.Errorf("%s: %s of shape %s: its leading axes do not broadcast to the value's %s",
			name, v.Params[s.m], shape.String(ms), shape.String(batch))
	}
	s.mats = shape.Size(mb)
	if s.nu >= 0 {
		if s.nuMap, err = shape.NewMap(params[s.nu], batch); err != nil {
			return nil, fmt.Errorf("%s: nu of shape %s does not broadcast to the value's leading axes %s",
				name, shape.String(params[s.nu]), shape.String(batch))
		}
	}
	s.scratchLen = 3*k*k + 3*k
	return s, nil
}

// setConstant factors a constant matrix once.
func (s *mvSpec) setConstant(m []float64) {
	k := s.k
	s.cfac = make([]float64, s.mats*k*k)
	s.chalf = make([]float64, s.mats)
	s.cok = make([]bool, s.mats)
	s.cprec = make([]float64, s.mats*k*k)
	for j := range s.mats {
		l, p := s.cfac[j*k*k:(j+1)*k*k], s.cprec[j*k*k:(j+1)*k*k]
		s.chalf[j], s.cok[j] = s.mat.factor(m[j*k*k:(j+1)*k*k], k, l)
		if !s.cok[j] {
			continue
		}
		if s.mat == mvTau {
			copy(p, m[j*k*k:(j+1)*k*k])
		} else {
			copy(p, l)
			lapack64.Potri(blas64.Triangular{Uplo: blas.Lower, Diag: blas.NonUnit, N: k, Stride: k, Data: p})
		}
		for i := range k {
			for c := i + 1; c < k; c++ {
				p[i*k+c] = p[c*k+i]
			}
		}
	}
}

// factor writes into l the lower Cholesky factor of the matrix m (k*k,
// row-major) and returns log|L|, the sum of the logarithms of its
// diagonal, and whether the matrix is valid: positive definite, or for
// mvChol a factor with a positive finite diagonal. Only the lower
// triangle of l is meaningful.
func (f mvMatrix) factor(m []float64, k int, l []float64) (float64, bool) {
	copy(l, m[:k*k])
	if f != mvChol {
		if _, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Lower, N: k, Stride: k, Data: l}); !ok {
			return negInf, false
		}
	}
	half := 0.0
	for i := range k {
		d := l[i*k+i]
		if !(d > 0 && d <= math.MaxFloat64) {
			return negInf, false
		}
		half += math.Log(d)
	}
	// every off-diagonal element must be finite too
	for i := range k {
		for _, v := range l[i*k : i*k+i] {
			if !finite(v) {
				return negInf, false
			}
		}
	}
	return half, true
}

// mvGrads are the gradient buffers of a multivariate term, nil where not
// wanted, with the adjoint g they are scaled by.
type mvGrads struct {
	x, mu, m, nu []float64
	g            float64
}

// eval is the term's log-density, summed over the rows; point, when
// non-nil, gets each row's own log-density, and gr the gradient. ws is the scratch space (scratchLen
// values). x, mu, m, nu are the operands (nu nil without one).
func (s *mvSpec) eval(x, mu, m, nu, ws []float64, point []float64, gr *mvGrads) float64 {
	k := s.k
	kk := k * k
	lw, acc, inv := ws[:kk], ws[kk:2*kk], ws[2*kk:3*kk]
	d, z, a := ws[3*kk:3*kk+k], ws[3*kk+k:3*kk+2*k], ws[3*kk+2*k:3*kk+3*k]
	grad := gr != nil && (gr.x != nil || gr.mu != nil || gr.m != nil || gr.nu != nil)
	var g float64
	if grad {
		g = gr.g
	}
	tri := blas64.Triangular{Uplo: blas.Lower, Diag: blas.NonUnit, N: k, Stride: k}
	vd := blas64.Vector{N: k, Inc: 1, Data: d}
	vz := blas64.Vector{N: k, Inc: 1, Data: z}
	va := blas64.Vector{N: k, Inc: 1, Data: a}
	kf := float64(k)
	cur := -1
	var half, cnt float64
	var l []float64
	flush := func() {
		if grad && gr.m != nil && cur >= 0 {
			s.flushMatrix(l, acc, inv, cnt, g, gr.m[cur*kk:(cur+1)*kk])
		}
	}
	total := 0.0
	// the Normal's constant, or Student's t's for the last nu seen
	c := -kf * lnSqrt2Pi
	lastNu := math.NaN()
	var dcdnu float64
	for r := range s.rows {
		if j := s.matMap.At(r); j != cur {
			flush()
			cur, cnt = j, 0
			if grad && gr.m != nil {
				clear(acc)
			}
			var ok bool
			if s.cfac != nil {
				l, half, ok = s.cfac[j*kk:(j+1)*kk], s.chalf[j], s.cok[j]
			} else {
				l = lw
				half, ok = s.mat.factor(m[j*kk:(j+1)*kk], k, l)
			}
			if !ok {
				return s.reject(point)
			}
			tri.Data = l
		}
		var nv float64
		if s.fam == mvStudentT {
			nv = nu[s.nuMap.At(r)]
			if !(nv > 0) {
				return s.reject(point)
			}
			if nv != lastNu {
				lastNu = nv
				c = lgamma(0.5*(nv+kf)) - lgamma(0.5*nv) - 0.5*kf*math.Log(nv*math.Pi)
				if grad && gr.nu != nil {
					dcdnu = 0.5*digamma(0.5*(nv+kf)) - 0.5*digamma(0.5*nv) - 0.5*kf/nv
				}
			}
		}
		e0 := r * k
		xr := x[e0 : e0+k]
		for i := range k {
			d[i] = xr[i] - mu[s.muMap.At(e0+i)]
		}
		q := 0.0
		if s.cprec != nil {
			// a constant matrix: a = S^-1 d, q = d' a
			matvec.Mul(a, s.cprec[cur*kk:(cur+1)*kk], k, k, d, false)
			for i, v := range d {
				q += v * a[i]
			}
		} else {
			copy(z, d)
			if s.mat == mvTau {
				blas64.Trmv(blas.Trans, tri, vz) // z = L' d
			} else {
				blas64.Trsv(blas.NoTrans, tri, vz) // z = L^-1 d
			}
			for _, v := range z {
				q += v * v
			}
		}
		var phi, dphi float64
		if s.fam == mvNormal {
			phi, dphi = -0.5*q, -0.5
		} else {
			phi = -0.5 * (nv + kf) * math.Log1p(q/nv)
			dphi = -0.5 * (nv + kf) / (nv + q)
		}
		lp := c + phi
		if s.mat == mvTau {
			lp += half
		} else {
			lp -= half
		}
		total += lp
		if point != nil {
			point[r] = lp
		}
		if !grad {
			continue
		}
		if gr.nu != nil {
			dphinu := -0.5*math.Log1p(q/nv) + 0.5*(nv+kf)*q/(nv*(nv+q))
			gr.nu[s.nuMap.At(r)] += g * (dcdnu + dphinu)
		}
		// a: half the gradient of q in d, S^-1 d
		if s.cprec == nil {
			copy(a, z)
			if s.mat == mvTau {
				blas64.Trmv(blas.NoTrans, tri, va) // a = L L' d
			} else {
				blas64.Trsv(blas.Trans, tri, va) // a = L^-T L^-1 d
			}
		}
		gd := 2 * dphi * g
		if gr.x != nil {
			for i, v := range a {
				gr.x[e0+i] += gd * v
			}
		}
		if gr.mu != nil {
			for i, v := range a {
				gr.mu[s.muMap.At(e0+i)] -= gd * v
			}
		}
		if gr.m == nil {
			continue
		}
		cnt++
		full := blas64.General{Rows: k, Cols: k, Stride: k, Data: acc}
		switch s.mat {
		case mvChol: // dq/dL = -2 a z'
			blas64.Ger(-gd, va, vz, full)
		case mvCov: // dq/dS = -a a'
			blas64.Ger(-dphi*g, va, va, full)
		case mvTau: // dq/dT = d d'
			blas64.Ger(dphi*g, vd, vd, full)
		}
	}
	flush()
	return total
}

// flushMatrix adds into gm one matrix's gradient: acc, the rows' sums of
// the squared distance's part, plus cnt rows of the log-determinant's.
func (s *mvSpec) flushMatrix(l, acc, inv []float64, cnt, g float64, gm []float64) {
	k := s.k
	if s.mat == mvChol {
		for i := range k {
			for j := 0; j < i; j++ {
				gm[i*k+j] += acc[i*k+j]
			}
			gm[i*k+i] += acc[i*k+i] - cnt*g/l[i*k+i]
		}
		return
	}
	// d log|L| / dS = S^-1 / 2 (symmetric), from the factor by dpotri
	copy(inv, l)
	lapack64.Potri(blas64.Triangular{Uplo: blas.Lower, Diag: blas.NonUnit, N: k, Stride: k, Data: inv})
	w := -0.5 * cnt * g
	if s.mat == mvTau {
		w = -w
	}
	for i := range k {
		for j := 0; j < i; j++ {
			gm[i*k+j] += acc[i*k+j] + acc[j*k+i] + 2*w*inv[i*k+j]
		}
		gm[i*k+i] += acc[i*k+i] + w*inv[i*k+i]
	}
}

// reject is the value at a point outside the parameters' domain.
func (s *mvSpec) reject(point []float64) float64 {
	for i := range point {
		point[i] = negInf
	}
	return negInf
}

// mvKernel is the EventKernel of MvNormal and MvStudentT: one event at a
// time, for draws, the support and the shapes, and for a Term's gradient
// tests; a Term evaluates all its events at once (mvSpec).
type mvKernel struct{ fam mvFamily }

// mvLayout reads a variant's parameter positions and matrix kind from
// its parameters' names.
func mvLayout(names []string) (nu, mu, m int, mat mvMatrix) {
	nu, mu = -1, -1
	for i, p := range names {
		switch p {
		case "nu":
			nu = i
		case "mu":
			mu = i
		case "cov", "scale":
			m, mat = i, mvCov
		case "chol":
			m, mat = i, mvChol
		case "tau":
			m, mat = i, mvTau
		}
	}
	return
}

// Shape checks mu's event axis against the matrix's two.
func (mvKernel) Shape(value []int, params [][]int, static Args) ([]int, error) {
	var k, mk []int
	for _, ps := range params {
		switch len(ps) {
		case 1:
			k = ps
		case 2:
			mk = ps
		}
	}
	if mk[0] != mk[1] {
		return nil, fmt.Errorf("the matrix must be square, got its last axes %s", shape.String(mk))
	}
	if k[0] != mk[0] {
		return nil, fmt.Errorf("mu has %d elements along its last axis but the matrix is %d x %d", k[0], mk[0], mk[1])
	}
	if value != nil && value[0] != k[0] {
		return nil, fmt.Errorf("the value has %d elements along its last axis but mu has %d", value[0], k[0])
	}
	if k[0] < 1 {
		return nil, fmt.Errorf("the value needs at least one element along its last axis")
	}
	return []int{k[0]}, nil
}

// Scratch: a factor, an accumulator and an inverse, and three vectors.
func (mvKernel) Scratch(e *Geometry) int {
	k := e.N
	return 3*k*k + 3*k
}

// one is the mvSpec of a single event.
func (mk mvKernel) one(e *Geometry) mvSpec {
	k := e.N
	s := mvSpec{fam: mk.fam, k: k, rows: 1, mats: 1, nu: -1,
		muMap: shape.Map{Kind: shape.Full}, matMap: shape.Map{Kind: shape.Scalar}, nuMap: shape.Map{Kind: shape.Scalar}}
	s.nu, s.mu, s.m, s.mat = mvLayout(e.Names)
	return s
}

// Logp is one event's log-density, with its gradient.
func (mk mvKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, scratch []float64) float64 {
	s := mk.one(e)
	var nu, gnu []float64
	if s.nu >= 0 {
		nu, gnu = p[s.nu], gp[s.nu]
	}
	gr := mvGrads{x: gx, mu: gp[s.mu], m: gp[s.m], nu: gnu, g: g}
	return s.eval(x, p[s.mu], p[s.m], nu, scratch, nil, &gr)
}

// InSupport: every finite vector (the caller checks finiteness).
func (mvKernel) InSupport(e *Geometry, x []float64, p EventArgs) bool { return true }

// random draws mu + L z (L^-T z for a precision), z standard normal,
// divided by sqrt(w/nu), w ~ chi^2(nu), for Student's t.
func (mk mvKernel) Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error {
	s := mk.one(e)
	mat := s.mat
	k := s.k
	l := make([]float64, k*k)
	if _, ok := mat.factor(p[s.m], k, l); !ok {
		return fmt.Errorf("the matrix is not positive definite (or a Cholesky factor without a positive diagonal)")
	}
	scale := 1.0
	if s.nu >= 0 {
		nu := p[s.nu][0]
		if !(nu > 0) {
			return fmt.Errorf("nu must be positive, got %g", nu)
		}
		scale = 1 / math.Sqrt(2*gammaRandom(nu/2, r)/nu)
	}
	for i := range out {
		out[i] = r.NormFloat64()
	}
	tri := blas64.Triangular{Uplo: blas.Lower, Diag: blas.NonUnit, N: k, Stride: k, Data: l}
	v := blas64.Vector{N: k, Inc: 1, Data: out}
	if mat == mvTau {
		blas64.Trsv(blas.Trans, tri, v)
	} else {
		blas64.Trmv(blas.NoTrans, tri, v)
	}
	for i := range out {
		out[i] = p[s.mu][i] + scale*out[i]
	}
	return nil
}

// PointShape and Scratch of a Term come from event.go; mvInit replaces
// its event loop by one over all rows (rows sharing a matrix share its
// factor), factoring a constant matrix here, once.
func (t *Term) mvInit(params [][]int, consts [][]float64) error {
	mk, ok := t.v.Dist.event.(mvKernel)
	if !ok {
		return nil
	}
	s, err := newMvSpec(t.v, t.value, params)
	if err != nil {
		return err
	}
	s.fam = mk.fam
	if s.m < len(consts) && consts[s.m] != nil {
		s.setConstant(consts[s.m])
	}
	t.mv = s
	return nil
}

// mvEval runs the multivariate density over the Term's inputs; gin nil
// for none, g the adjoint.
func (t *Term) mvEval(in [][]float64, point []float64, gin [][]float64, g float64) float64 {
	s := t.mv
	var nu []float64
	if s.nu >= 0 {
		nu = in[1+s.nu]
	}
	ws := in[t.nin-1]
	if gin == nil {
		return s.eval(in[0], in[1+s.mu], in[1+s.m], nu, ws, point, nil)
	}
	gr := mvGrads{x: gin[0], mu: gin[1+s.mu], m: gin[1+s.m], g: g}
	if s.nu >= 0 {
		gr.nu = gin[1+s.nu]
	}
	return s.eval(in[0], in[1+s.mu], in[1+s.m], nu, ws, point, &gr)
}

func init() {
	matrices := []Param{
		{Name: "cov", Domain: anyReal, Doc: "covariance matrix", EventDims: 2},
		{Name: "chol", Domain: anyReal, Doc: "its lower Cholesky factor", EventDims: 2},
		{Name: "tau", Domain: anyReal, Doc: "its inverse", EventDims: 2},
	}
	notes := "`MvNormal` and `MvStudentT` take a matrix of shape `(..., k, k)` for a value `(..., k)`, " +
		"and read only its lower triangle (LAPACK's Cholesky factorisation, or the factor itself). " +
		"A matrix that is not positive definite, or a factor without a positive diagonal, " +
		"makes the log-density -inf."
	register(Spec{
		Name: "MvNormal", Doc: "A multivariate normal over the last axis.",
		Layout: Event, Event: mvKernel{fam: mvNormal}, ValueDims: 1, ShapeFrom: "mu",
		Params: append([]Param{{Name: "mu", Domain: anyReal, Doc: "mean", EventDims: 1}}, matrices...),
		Variants: []VariantSpec{
			{Params: []string{"mu", "cov"}, Support: Real},
			{Params: []string{"mu", "chol"}, Support: Real},
			{Params: []string{"mu", "tau"}, Support: Real},
		},
		Notes: notes,
	})
	scale := append([]Param{}, matrices...)
	scale[0] = Param{Name: "scale", Domain: anyReal, Doc: "scale matrix", EventDims: 2}
	register(Spec{
		Name: "MvStudentT", Doc: "A multivariate Student's t over the last axis.",
		Layout: Event, Event: mvKernel{fam: mvStudentT}, ValueDims: 1, ShapeFrom: "mu",
		Params: append([]Param{
			{Name: "nu", Domain: positive, Doc: "degrees of freedom"},
			{Name: "mu", Domain: anyReal, Doc: "location", EventDims: 1},
		}, scale...),
		Variants: []VariantSpec{
			{Params: []string{"nu", "mu", "scale"}, Support: Real},
			{Params: []string{"nu", "mu", "chol"}, Support: Real},
			{Params: []string{"nu", "mu", "tau"}, Support: Real},
		},
	})
}
