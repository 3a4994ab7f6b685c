package dist

import (
	"math/rand/v2"
	"testing"
)

func benchTerm(b *testing.B, dist string, params []string, shapes [][]int, n int) {
	v := variantByParamsB(b, dist, params)
	term, err := NewTerm(v, []int{n}, shapes)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	in := make([][]float64, 1+len(params))
	in[0] = make([]float64, n)
	for k := range in[0] {
		in[0][k] = 1 + r.Float64()
	}
	gin := make([][]float64, len(in))
	gin[0] = make([]float64, n)
	for i, s := range shapes {
		size := 1
		for _, d := range s {
			size *= d
		}
		in[1+i] = make([]float64, size)
		gin[1+i] = make([]float64, size)
		for j := range in[1+i] {
			in[1+i][j] = 1 + r.Float64()
		}
	}
	out, gout := []float64{0}, []float64{1}
	b.Run("Forward", func(b *testing.B) {
		for b.Loop() {
			term.Forward(in, out)
		}
	})
	b.Run("Backward", func(b *testing.B) {
		for b.Loop() {
			term.Backward(in, out, gout, gin)
		}
	})
}

func variantByParamsB(b *testing.B, dist string, params []string) *Variant {
	d, err := Lookup(dist)
	if err != nil {
		b.Fatal(err)
	}
	v, err := d.Variant(params)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkNormalFullMu(b *testing.B) {
	benchTerm(b, "Normal", []string{"mu", "sigma"}, [][]int{{1000}, {}}, 1000)
}

func BenchmarkStudentT(b *testing.B) {
	benchTerm(b, "StudentT", []string{"nu", "mu", "sigma"}, [][]int{{}, {1000}, {}}, 1000)
}
