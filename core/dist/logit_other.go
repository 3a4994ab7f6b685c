//go:build !amd64 || purego

package dist

// Off amd64 (or with the purego tag) the scalar loop takes every element.

func logitVector(l, v, e, sp, d []float64) (int, float64) { return 0, 0 }
