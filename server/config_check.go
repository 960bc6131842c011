package server

// Check reports what New would refuse in c, without opening a store or
// starting anything: `passcrow serve --check-config` runs it beside a
// live server.
func (c Config) Check() error {
	_, err := c.withDefaults()
	return err
}
