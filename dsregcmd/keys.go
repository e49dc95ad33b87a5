package dsregcmd

import (
	"regexp"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// keys are the keys `dsregcmd /status` prints, as Microsoft documents them and as published outputs
// show them (https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-device-dsregcmd),
// lower-cased. The value says whether the key is distinctive: few other texts hold it, so finding one
// is what makes a paste recognisable (a fragment holding only "Access Type" is not).
var keys = map[string]bool{
	// Device State, Device Details, Tenant Details.
	"azureadjoined": true, "enterprisejoined": true, "domainjoined": true, "domainname": false, "device name": false,
	"virtual desktop": false, "deviceid": true, "thumbprint": false, "devicecertificatevalidity": true,
	"keycontainerid": true, "keyprovider": false, "tpmprotected": true, "deviceauthstatus": true,
	"tenantname": false, "tenantid": true, "idp": false, "authcodeurl": true, "accesstokenurl": true,
	"mdmurl": true, "mdmtouurl": true, "mdmcomplianceurl": true, "dmcomplianceurl": true, "settingsurl": false,
	"joinsrvversion": true, "joinsrvurl": true, "joinsrvid": true, "keysrvversion": true, "keysrvurl": true,
	"keysrvid": true, "webauthnsrvversion": true, "webauthnsrvurl": true, "webauthnsrvid": true,
	"devicemanagementsrvver": true, "devicemanagementsrvversion": true, "devicemanagementsrvurl": true,
	"devicemanagementsrvid": true,
	// User State and the work accounts of registered devices.
	"ngcset": true, "ngckeyid": true, "canreset": false, "workplacejoined": true, "workaccountcount": true,
	"wamdefaultset": true, "wamdefaultauthority": true, "wamdefaultid": true, "wamdefaultguid": true,
	"workplacedeviceid": true, "workplacethumbprint": true, "workplacetenantid": true, "workplacetenantname": true,
	"workplaceidp": true, "workplacemdmurl": true, "workplacesettingsurl": true,
	// SSO State.
	"azureadprt": true, "azureadprtupdatetime": true, "azureadprtexpirytime": true, "azureadprtauthority": true,
	"enterpriseprt": true, "enterpriseprtupdatetime": true, "enterpriseprtexpirytime": true,
	"enterpriseprtauthority": true, "acquireprtdiagnostics": true, "refreshprtdiagnostics": true,
	"previous prt attempt": true, "attempt status": false, "user identity": false, "credential type": false,
	"correlation id": false, "endpoint uri": false, "http method": false, "http error": false, "http status": false,
	"server error code": false, "server error description": false, "onpremtgt": true, "cloudtgt": true,
	"kerbtoplevelnames": true,
	// Diagnostic Data, before and after the join.
	"diagnostics reference": true, "user context": false, "client time": false, "ad connectivity test": true,
	"ad configuration test": true, "drs discovery test": true, "drs connectivity test": true,
	"kerberos ticket test": true, "token acquisition test": true, "fallback to sync-join": true,
	"fallback to fed-join": true, "previous registration": true, "registration type": false, "error phase": true,
	"client errorcode": true, "server errorcode": false, "server message": false, "https status": false,
	"request id": false, "executing account name": true, "aadrecoveryenabled": true, "keysigntest": true,
	"displaynameupdated": true, "osversionupdated": true, "hostnameupdated": true, "last hostname update": true,
	// Proxy configuration.
	"auto detect settings": false, "auto-configuration url": false, "proxy server list": false,
	"proxy bypass list": false, "access type": false, "auto detect pac status": false, "auto-detected pac url": false,
	// Ngc Prerequisite Check.
	"ngcprereq": true, "isdevicejoined": true, "isuserazuread": true, "policyenabled": false,
	"postlogonenabled": true, "deviceeligible": true, "sessionisnotremote": true, "certenrollment": true,
	"adfsrefreshtoken": true, "adfsraisready": true, "logoncerttemplateready": true, "prereqresult": true,
}

// dsregKey reports whether dsregcmd prints the key.
func dsregKey(key string) bool {
	_, ok := keys[strings.ToLower(key)]
	return ok
}

// recognisable reports whether finding the key makes a paste recognisable as dsregcmd output.
func recognisable(key string) bool {
	return keys[strings.ToLower(key)]
}

// keysIn finds where documented keys start fields in a line ("Key : " or "Key: "), at most max of them
// (all when max < 0). Each colon is checked by looking back at most maxKey bytes for the longest key
// of up to four words ending there, so a long line costs time in proportion to its length.
func keysIn(line string, max int) []int {
	var at []int
	for i := 0; i < len(line) && (max < 0 || len(at) < max); i++ {
		if line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' {
			continue
		}
		end := strings.TrimRight(line[:i], " ")
		if i-len(end) > 1 || end == "" {
			continue // more than one space before the colon
		}
		lo := len(end) - maxKey
		if lo < 0 {
			lo = 0
		}
		start := -1
		// Word starts before the colon, nearest first; the farthest that still makes a key wins.
		for j, words := len(end)-1, 0; j >= lo && words < 4; j-- {
			if j > 0 && end[j-1] != ' ' {
				continue
			}
			words++
			if dsregKey(end[j:]) {
				start = j
			}
		}
		if start >= 0 && (len(at) == 0 || start > at[len(at)-1]) {
			at = append(at, start)
		}
	}
	return at
}

// ruleIn finds a `+-----+` rule inside a line.
var ruleIn = regexp.MustCompile(`\+-{3,}\+`)

// flattened reads a line that holds a whole section, or more: the text of a web page that lost the
// output's line breaks ("+---+ | SSO State | +---+ AzureAdPrt : YES AzureAdPrtUpdateTime : ...").
// It splits the line at the rules, reads `| Title |` pieces as titles, and cuts the rest before each
// documented key. A line with neither a titled rule nor two documented keys is left to the ordinary
// reading.
func (p *parser) flattened(line string, n int) bool {
	titled := strings.Contains(line, "|") && ruleIn.MatchString(line)
	// Two " : " first: the expression is only worth running on a line that may hold two fields.
	if !titled && (strings.Count(line, " : ") < 2 || len(keysIn(line, 2)) < 2) {
		return false
	}
	for _, piece := range ruleIn.Split(line, -1) {
		piece = strings.TrimSpace(piece)
		if strings.HasPrefix(piece, "|") && strings.HasSuffix(piece, "|") && len(piece) > 1 {
			p.title(strings.Trim(piece, "| "))
			continue
		}
		at := keysIn(piece, -1)
		for i, start := range at {
			end := len(piece)
			if i+1 < len(at) {
				end = at[i+1]
			}
			segment := strings.TrimSpace(piece[start:end])
			if key, value, ok := field(segment); ok {
				p.add(facts.DsregField{Key: key, Value: value, Line: n, Raw: collapse(segment)})
			}
		}
	}
	return true
}
