// A program to build for Windows in pecheck's tests.
package main

func main() { println("hello") }
