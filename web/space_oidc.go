package web

// OIDCConfig is the OpenID Connect provider organisers may sign in with
// (ProConnect, the State's identity federation for public agents).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
}
