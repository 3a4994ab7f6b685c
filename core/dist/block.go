package dist

import "github.com/exmc/exmc/core/shape"

// Block returns a copy of the Term over n elements, for a loop that cuts
// the value into blocks and hands the Term slices of its inputs, block by
// block (core/fuse, which computes a parameter's block from an expression
// just before the Term reads it). Each parameter must be a scalar or of the
// value's shape. Constant arrays are read from the inputs, like any other
// parameter, not from the logarithms and reciprocals SetConstants took
// for the whole value; a scalar constant keeps them. ok is false for a Term
// that cannot be cut so: a mixture, a random walk, a value given by its
// logarithm, a parameter broadcast along some axes.
func (t *Term) Block(n int) (b *Term, ok bool) {
	if t.comps > 0 || t.ev != nil || t.v.Dist.Vector || t.v.Dist.Components || t.valueLog {
		return nil, false
	}
	for _, m := range t.maps {
		if m.Kind != shape.Scalar && m.Kind != shape.Full {
			return nil, false
		}
	}
	c := *t
	c.value, c.n = []int{n}, n
	c.maps = append([]shape.Map(nil), t.maps...)
	for i := range maxParams {
		c.constLogs[i], c.constInvs[i], c.constInv2s[i], c.constLogSum[i] = nil, nil, nil, 0
	}
	c.loop = c.chooseLoop()
	return &c, true
}
