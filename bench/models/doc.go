// Package models defines the seven head-to-head benchmark models of
// bench/MODELS.md with exmc's Go builder, on the data in bench/data.
package models
