module github.com/sparkgo/spark

go 1.24
