package notify

// ComposeAlone composes m rendered on its own, without a draft, for tests
// that compare the two.
func (c *Composer) ComposeAlone(m Message) (*Email, error) {
	d, err := c.newDraft(m, false)
	if err != nil {
		return nil, err
	}
	v := c.values(m)
	id := c.MessageID(m.DeliveryID, m.Kind)
	buf := c.appendOwnHeaders(nil, m, id, v.unsubscribe)
	return &Email{From: c.cfg.From.Address, To: m.Recipient.Email, MessageID: id, Data: d.fill(buf, &v)}, nil
}

// AppendQP is appendQP, for the fuzz test.
var AppendQP = appendQP
