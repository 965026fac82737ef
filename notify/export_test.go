package notify

// ComposeAlone composes m rendered on its own, without a draft, for tests
// that compare the two.
func (c *Composer) ComposeAlone(m Message) (*Email, error) {
	d, err := c.newDraft(m, false)
	if err != nil {
		return nil, err
	}
	return c.email(d, m, c.MessageID(m.DeliveryID, m.Kind)), nil
}

// AppendQP is appendQP, for the fuzz test.
var AppendQP = appendQP
