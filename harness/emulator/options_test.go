package emulator

import "testing"

func TestCheckAbsURL_AcceptsOnlyAbsoluteHTTP(t *testing.T) {
	cases := []struct {
		in, err string
	}{
		{"http://127.0.0.1:8080/notify", ""},
		{"https://shop.example/finish?x=1", ""},
		{"/notify", `"/notify" is not an absolute http(s) URL`},
		{"ftp://shop.example/", `"ftp://shop.example/" is not an absolute http(s) URL`},
		{"https:///nohost", `"https:///nohost" is not an absolute http(s) URL`},
		{"http://[::1", `"http://[::1" is not a URL: parse "http://[::1": missing ']' in host`},
		{"", `"" is not an absolute http(s) URL`},
	}
	for _, c := range cases {
		err := CheckAbsURL(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("CheckAbsURL(%q) = %q, want %q", c.in, got, c.err)
		}
	}
}
