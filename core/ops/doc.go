// Package ops is the vocabulary of exmc's expressions: the name of every op
// a model may use, how many arguments it takes, which attributes it reads,
// and the rule that gives its result's shape.
//
// It is what validating a model needs to know about an expression, and
// nothing more: core/model checks expressions against it, and core/expr,
// the machine that evaluates them and their gradients, builds one kernel
// for each op named here.
//
// Folding a constant expression needs the machine. Eval runs one op on
// constant arrays through the evaluator core/expr registers when it is
// linked in, so that core/model can fold constants without importing the
// machine (docs/DECISIONS.md, 2).
package ops
