// Package shape holds the array-shape rules shared by every layer of exmc:
// sizes, numpy broadcasting, and the index maps that let a fused loop read a
// broadcast operand without materialising it.
//
// Arrays are row-major; a scalar has the empty shape.
package shape
