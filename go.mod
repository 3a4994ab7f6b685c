module github.com/exmc/exmc

go 1.26

require gonum.org/v1/gonum v0.17.0

require github.com/apache/arrow-go/v18 v18.8.0 // indirect
