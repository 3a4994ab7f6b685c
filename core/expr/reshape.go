package expr

import (
	"errors"
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// reshapeShape resolves the target shape. A missing shape means the scalar
// shape (): the JSON form drops an empty list, so the two must agree.
func reshapeShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	out := clone(a.Shape)
	unknown, known := -1, 1
	for i, d := range out {
		switch {
		case d == -1 && unknown >= 0:
			return nil, errors.New("only one dimension can be -1")
		case d == -1:
			unknown = i
		case d < 0:
			return nil, fmt.Errorf("invalid dimension %d in shape %s", d, shape.String(a.Shape))
		default:
			known *= d
		}
	}
	n := shape.Size(src)
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("cannot reshape an array of shape %s into shape %s", shape.String(src), shape.String(a.Shape))
		}
		out[unknown] = n / known
	}
	if shape.Size(out) != n {
		return nil, fmt.Errorf("cannot reshape an array of shape %s into shape %s", shape.String(src), shape.String(out))
	}
	return out, nil
}

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
