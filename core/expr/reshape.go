package expr

// copier is the kernel of ops that keep every element in order and only
// change the shape.
type copier struct{}

func buildCopy(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) { return copier{}, nil }

func (copier) Forward(in [][]float64, out []float64) { copy(out, in[0]) }

func (copier) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	if gin[0] != nil {
		addTo(gin[0], g)
	}
}
