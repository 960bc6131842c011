//go:build !amd64 || purego

package hashcash

var defaultMixer = genericMixer

func usableMixers() []*mixer { return []*mixer{genericMixer} }
