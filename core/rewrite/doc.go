// Package rewrite transforms a validated model into an equivalent one that
// samples better, before it is compiled. Each rewrite reports what it did.
package rewrite
