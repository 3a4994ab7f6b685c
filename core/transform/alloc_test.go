package transform

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/shape"
)

type builtKernel struct {
	name string
	k    expr.Kernel
	c    kernelCase
	nout int
}

func allKernels(t *testing.T) []builtKernel {
	t.Helper()
	var ks []builtKernel
	for _, c := range kernelCases {
		ck, err := NewConstrainAxes(c.kind, c.y, c.axes, c.bounds...)
		if err != nil {
			t.Fatal(err)
		}
		lk, err := NewLogJacAxes(c.kind, c.y, c.axes, c.bounds...)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks,
			builtKernel{c.name, ck, c, shape.Size(c.kind.Constrained(c.y, c.axes))},
			builtKernel{c.name + "/logjac", lk, c, 1})
	}
	return ks
}

func gradBuffers(in [][]float64) [][]float64 {
	g := make([][]float64, len(in))
	for a := range in {
		g[a] = make([]float64, len(in[a]))
	}
	return g
}

func TestZeroAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, b := range allKernels(t) {
		in := b.c.inputs(r)
		out := make([]float64, b.nout)
		gout := normals(r, b.nout, 1)
		gin := gradBuffers(in)
		if n := testing.AllocsPerRun(50, func() {
			b.k.Forward(in, out)
			b.k.Backward(in, out, gout, gin)
		}); n != 0 {
			t.Errorf("%s: %v allocations per Forward+Backward", b.name, n)
		}
	}
}

// Kernels are shared by every Machine; concurrent use with separate
// buffers must give the serial results (and pass the race detector).
func TestConcurrentUse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, b := range allKernels(t) {
		in := b.c.inputs(r)
		gout := normals(r, b.nout, 1)
		wantOut := make([]float64, b.nout)
		b.k.Forward(in, wantOut)
		wantGin := gradBuffers(in)
		b.k.Backward(in, wantOut, gout, wantGin)

		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				// what is shared is the kernel; each machine has inputs of
				// its own, its scratch slot among them (the zerosum
				// transform works there)
				in := copyInputs(in)
				out := make([]float64, b.nout)
				gin := gradBuffers(in)
				for range 20 {
					clear(out)
					for _, g := range gin {
						clear(g)
					}
					b.k.Forward(in, out)
					b.k.Backward(in, out, gout, gin)
				}
				for i := range out {
					if out[i] != wantOut[i] {
						errs <- b.name + ": concurrent Forward differs"
						return
					}
				}
				for a := range gin {
					for j := range gin[a] {
						if gin[a][j] != wantGin[a][j] {
							errs <- b.name + ": concurrent Backward differs"
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

// A log-Jacobian's ForwardGrad is Forward plus Backward with adjoint 1, and
// allocates nothing.
func TestLogJacForwardGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, b := range allKernels(t) {
		lk, ok := b.k.(*LogJacKernel)
		if !ok {
			continue
		}
		in := b.c.inputs(r)
		want, got := []float64{0}, []float64{0}
		wantG, gotG := gradBuffers(in), gradBuffers(in)
		lk.Forward(in, want)
		lk.Backward(in, want, []float64{1}, wantG)
		lk.ForwardGrad(in, got, gotG)
		if got[0] != want[0] {
			t.Errorf("%s: value %v, Forward %v", b.name, got[0], want[0])
		}
		for a := range gotG {
			for i := range gotG[a] {
				if gotG[a][i] != wantG[a][i] {
					t.Errorf("%s: gradient of input %d element %d: %v, Backward %v", b.name, a, i, gotG[a][i], wantG[a][i])
				}
			}
		}
		if n := testing.AllocsPerRun(50, func() { lk.ForwardGrad(in, got, gotG) }); n != 0 {
			t.Errorf("%s: %v allocations per ForwardGrad", b.name, n)
		}
	}
}

func copyInputs(in [][]float64) [][]float64 {
	out := make([][]float64, len(in))
	for i, v := range in {
		out[i] = append([]float64(nil), v...)
	}
	return out
}
