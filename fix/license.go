package fix

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// missing lists the licence checks that offer the fix: the plans the user lacks.
func (d *Draft) missing() []string {
	var out []string
	for _, c := range d.cands {
		if !slices.Contains(out, c.result.ID) {
			out = append(out, c.result.ID)
		}
	}
	return out
}

// assignableSkus are the subscriptions the fix may assign for the plans the user lacks.
func (d *Draft) assignableSkus() []facts.SubscribedSku {
	return checks.AssignableSkus(d.f, d.missing()...)
}

// plannedSku is the SKU the check's plan assigns, when the tenant still lists it.
func (d *Draft) plannedSku() *facts.SubscribedSku {
	var body struct {
		Add []struct {
			SkuID string `json:"skuId"`
		} `json:"addLicenses"`
	}
	for _, r := range d.cands[0].fix.Requests {
		if json.Unmarshal(r.Body, &body) == nil && len(body.Add) > 0 {
			i := slices.IndexFunc(d.f.SubscribedSkus, func(s facts.SubscribedSku) bool { return strings.EqualFold(s.SkuID, body.Add[0].SkuID) })
			if i >= 0 {
				return &d.f.SubscribedSkus[i]
			}
		}
	}
	return nil
}

var countryCode = regexp.MustCompile(`^[A-Za-z]{2}$`)

// assignLicense plans the licence: the chosen SKU (the check's when none is chosen), never removing
// another, with the usage location set first when the user has none.
func (d *Draft) assignLicense(p *Plan, ch Choices) error {
	if d.f.User == nil {
		return fmt.Errorf("the user could not be read, so no licence can be planned: re-check")
	}
	options := d.assignableSkus()
	var sku *facts.SubscribedSku
	if ch.SKU == "" {
		if planned := d.plannedSku(); planned != nil {
			ch.SKU = planned.SkuID
		} else if len(options) > 0 {
			ch.SKU = options[0].SkuID
		}
	}
	if ch.SKU != "" {
		i := slices.IndexFunc(options, func(s facts.SubscribedSku) bool {
			return strings.EqualFold(s.SkuID, ch.SKU) || strings.EqualFold(s.SkuPartNumber, ch.SKU) || strings.EqualFold(checks.Printable(s.SkuPartNumber), ch.SKU)
		})
		if i < 0 {
			return fmt.Errorf("%q is not a licence that carries the missing plan, has free units and is not assigned "+
				"to the user already: choose one of %s",
				ch.SKU, optionList(d.need(ChooseSKU).Options))
		}
		sku = &options[i]
	}
	if sku == nil {
		return fmt.Errorf("no licence carrying the missing plan has a free unit: free a unit or buy more")
	}
	var covers []string
	for _, check := range d.missing() {
		if checks.SkuCarries(*sku, check) {
			covers = append(covers, check)
		}
	}
	p.Checks = covers
	if len(covers) < len(d.missing()) {
		p.Notes = append(p.Notes, fmt.Sprintf("%s does not carry every missing plan: %s "+
			"stays failing", sku.SkuPartNumber, strings.Join(without(d.missing(), covers), ", ")))
	}
	fx := checks.LicenseAssignFix(d.f, *sku)
	p.Title, p.Requests = fx.Title, fx.Requests
	have := d.f.User.UsageLocation
	switch {
	case have != "" && ch.UsageLocation != "" && !strings.EqualFold(have, ch.UsageLocation):
		return fmt.Errorf("the user's usage location is %s already: --usage-location is for users without one; "+
			"change it in the Entra admin center if it is wrong", have)
	case have == "" && ch.UsageLocation == "":
		return &ChoiceError{Fix: d.Fix, Need: d.need(ChooseCountry)}
	case have == "":
		if !countryCode.MatchString(ch.UsageLocation) {
			return fmt.Errorf("%q is not a two-letter country code (ISO 3166), such as US, GB or DE", ch.UsageLocation)
		}
		cc := strings.ToUpper(ch.UsageLocation)
		patch, _ := json.Marshal(map[string]string{"usageLocation": cc})
		p.Requests = append([]checks.Request{checks.PatchUser(d.root(), d.f.UserID(), patch)}, p.Requests...)
		p.Permissions = append(p.Permissions, "User.ReadWrite.All")
		p.Notes = append(p.Notes, "the user has no usage location: it is set to "+cc+" first, as a licence needs one")
	}
	return nil
}

func without(list, drop []string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return slices.Contains(drop, s) })
}
