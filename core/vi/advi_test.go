package vi

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// gaussian is the log-density of N(mean, P^-1), P given row-major, plus
// offset.
type gaussian struct {
	mean, prec []float64
	offset     float64
}

func (g gaussian) Dim() int { return len(g.mean) }

func (g gaussian) LogpGrad(x, grad []float64) (float64, error) {
	d := len(g.mean)
	lp := 0.0
	for i := range d {
		s := 0.0
		for j := range d {
			s += g.prec[i*d+j] * (x[j] - g.mean[j])
		}
		grad[i] = -s
		lp -= 0.5 * (x[i] - g.mean[i]) * s
	}
	return lp + g.offset, nil
}

// precision2 is the precision of a 2-D normal of sds s0, s1 and correlation r.
func precision2(s0, s1, r float64) []float64 {
	det := s0 * s0 * s1 * s1 * (1 - r*r)
	return []float64{s1 * s1 / det, -r * s0 * s1 / det, -r * s0 * s1 / det, s0 * s0 / det}
}

// TestFitRecoversGaussians: on a normal target the best approximation is
// known. Full-rank ADVI recovers the target itself; mean-field ADVI the
// normal with the target's mean and sds 1/sqrt(P_ii). With a step of 0.01
// (a tenth of the default, which trades precision for speed), the
// tolerances (0.1 sd for means, 10% for sds, 0.05 for the correlation) are
// about twice the worst error over 20 seeds (0.05 sd, 5.5%); fixed seed.
func TestFitRecoversGaussians(t *testing.T) {
	const s0, s1, r = 0.5, 2.0, 0.8
	target := gaussian{mean: []float64{1, -3}, prec: precision2(s0, s1, r)}
	cases := []struct {
		method Method
		sd     [2]float64
		corr   float64
	}{
		{FullRank, [2]float64{s0, s1}, r},
		{MeanField, [2]float64{1 / math.Sqrt(target.prec[0]), 1 / math.Sqrt(target.prec[3])}, 0},
	}
	for _, c := range cases {
		t.Run(c.method.String(), func(t *testing.T) {
			o := Defaults()
			o.Method, o.Seed, o.Tol, o.LearningRate = c.method, 7, 0, 0.01 // tol 0: every step
			o.MaxIter = 6000
			res, err := Fit(context.Background(), target, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Converged || res.Steps != o.MaxIter {
				t.Fatalf("stopped at step %d (converged %v); want all %d", res.Steps, res.Converged, o.MaxIter)
			}
			cov := res.Cov()
			for i := range 2 {
				sd := math.Sqrt(cov[i*2+i])
				if d := math.Abs(res.Mean[i] - target.mean[i]); d > 0.1*c.sd[i] {
					t.Errorf("mean[%d] = %.4f, want %.4f (off by %.3f sd)", i, res.Mean[i], target.mean[i], d/c.sd[i])
				}
				if math.Abs(sd/c.sd[i]-1) > 0.1 {
					t.Errorf("sd[%d] = %.4f, want %.4f", i, sd, c.sd[i])
				}
			}
			corr := cov[1] / math.Sqrt(cov[0]*cov[3])
			if math.Abs(corr-c.corr) > 0.05 {
				t.Errorf("correlation %.3f, want %.3f", corr, c.corr)
			}
		})
	}
}

// TestGradientMatchesFiniteDifferences: with the draws held fixed, the
// step's ELBO estimate is a smooth function of mu and lambda, and the
// gradient the step ascends must be its gradient.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	target := gaussian{mean: []float64{0.3, -1, 2}, prec: []float64{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}}
	for _, method := range []Method{MeanField, FullRank} {
		t.Run(method.String(), func(t *testing.T) {
			o := Defaults()
			o.Method, o.GradDraws, o.Seed = method, 3, 11
			f := newFit(target, o)
			for i := range f.mu {
				f.mu[i] = 0.1 * float64(i+1)
			}
			for i := range f.lam {
				f.lam[i] = 0.05*float64(i) - 0.2
			}
			value := func() float64 {
				f.rng = rng(o.Seed)
				e, err := f.gradient()
				if err != nil {
					t.Fatal(err)
				}
				return e
			}
			value()
			gMu := append([]float64{}, f.gMu...)
			gLam := append([]float64{}, f.gLam...)
			const h = 1e-6
			check := func(name string, x []float64, want []float64) {
				for i := range x {
					if method == FullRank && name == "lam" && i%f.dim > i/f.dim {
						continue // the upper triangle is not a parameter
					}
					x0 := x[i]
					x[i] = x0 + h
					up := value()
					x[i] = x0 - h
					down := value()
					x[i] = x0
					fd := (up - down) / (2 * h)
					if math.Abs(fd-want[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s[%d]: gradient %.9g, finite differences %.9g", name, i, want[i], fd)
					}
				}
			}
			check("mu", f.mu, gMu)
			check("lam", f.lam, gLam)
		})
	}
}

func TestFitConvergesAndIsReproducible(t *testing.T) {
	// the offset stands for a likelihood's normalising constants: the
	// relative change of an ELBO near zero is all noise (as with Stan's rule)
	target := gaussian{mean: []float64{2, 0, -1}, prec: []float64{1, 0, 0, 0, 4, 0, 0, 0, 0.25}, offset: -300}
	o := Defaults()
	o.Seed = 3
	a, err := Fit(context.Background(), target, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Converged || a.Steps >= o.MaxIter {
		t.Fatalf("did not converge in %d steps", a.Steps)
	}
	if len(a.History) != a.Steps || len(a.ELBO) != a.Steps/o.EvalEvery || a.ELBOStep[len(a.ELBOStep)-1] != a.Steps {
		t.Errorf("history of %d, %d ELBO checks, for %d steps", len(a.History), len(a.ELBO), a.Steps)
	}
	// the ELBO of an exact fit to a normal is log Z = d/2 log 2 pi - 1/2 log det P
	want := -300 + 1.5*math.Log(2*math.Pi) - 0.5*math.Log(1*4*0.25)
	if got := a.ELBO[len(a.ELBO)-1]; math.Abs(got-want) > 0.1 {
		t.Errorf("final ELBO %.3f, want about %.3f", got, want)
	}
	b, err := Fit(context.Background(), target, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Mean {
		if a.Mean[i] != b.Mean[i] || a.Chol[i*3+i] != b.Chol[i*3+i] {
			t.Fatalf("two fits with seed %d differ: %v and %v", o.Seed, a.Mean, b.Mean)
		}
	}
}

// halfline is log p(x) = -x on x > 0, refusing x <= 0 as a bad point.
type halfline struct{}

type badPoint struct{}

func (badPoint) Error() string     { return "outside the support" }
func (badPoint) Recoverable() bool { return true }

func (halfline) Dim() int { return 1 }
func (halfline) LogpGrad(x, g []float64) (float64, error) {
	if x[0] <= 0 {
		return 0, badPoint{}
	}
	g[0] = -1
	return -x[0], nil
}

type broken struct{}

func (broken) Dim() int { return 1 }
func (broken) LogpGrad(x, g []float64) (float64, error) {
	return 0, errors.New("the model is broken")
}

func TestFitFailures(t *testing.T) {
	o := Defaults()
	o.MaxIter, o.Init, o.LearningRate = 200, []float64{5}, 0.01
	res, err := Fit(context.Background(), halfline{}, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected == 0 {
		t.Error("no draw was rejected on the half-line")
	}

	o.Init = []float64{-50}
	if _, err := Fit(context.Background(), halfline{}, o, nil); !errors.Is(err, ErrNoFiniteDraw) {
		t.Errorf("far outside the support: %v, want ErrNoFiniteDraw", err)
	}
	if _, err := Fit(context.Background(), broken{}, Defaults(), nil); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("a broken model: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	target := gaussian{mean: []float64{0}, prec: []float64{1}}
	steps := 0
	res, err = Fit(ctx, target, Defaults(), func(p Progress) {
		steps = p.Step
		if p.Step == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || res == nil || res.Steps != 10 || steps != 10 || len(res.History) != 10 {
		t.Errorf("cancelled at step 10: steps %d, history %v, err %v", steps, res, err)
	}
}

func TestOptionsCheck(t *testing.T) {
	cases := []struct {
		set  func(*Options)
		want string
	}{
		{func(o *Options) { o.MaxIter = -1 }, "n:"},
		{func(o *Options) { o.MaxIter = 0 }, "n:"},
		{func(o *Options) { o.EvalEvery = 0 }, "eval_every"},
		{func(o *Options) { o.LearningRate = math.Inf(1) }, "learning_rate"},
		{func(o *Options) { o.LearningRate = -1 }, "learning_rate"},
		{func(o *Options) { o.GradDraws = -2 }, "grad_draws"},
		{func(o *Options) { o.EvalDraws = 1 << 30 }, "eval_draws"},
		{func(o *Options) { o.Tol = math.NaN() }, "tol"},
		{func(o *Options) { o.Method = 9 }, "method"},
		{func(o *Options) { o.Init = []float64{1} }, "init: 1 values for a model of dimension 2"},
		{func(o *Options) { o.Init = []float64{1, math.NaN()} }, "init[1]"},
	}
	for _, c := range cases {
		o := Defaults()
		c.set(&o)
		err := o.Check(2)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %q", o, err, c.want)
		}
	}
	if err := Defaults().Check(2); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if _, err := ParseMethod("pathfinder"); err == nil {
		t.Error("ParseMethod took an unknown name")
	}
}

func TestFullRankMemoryIsChecked(t *testing.T) {
	o := Defaults()
	o.Method = FullRank
	// a dimension whose d x d matrices could not fit any machine
	if _, err := Fit(context.Background(), bigDim{}, o, nil); err == nil || !strings.Contains(err.Error(), "variational fit") {
		t.Errorf("a fit of 2^31 dimensions: %v", err)
	}
}

type bigDim struct{}

func (bigDim) Dim() int                                 { return 1 << 31 }
func (bigDim) LogpGrad(x, g []float64) (float64, error) { return 0, nil }
