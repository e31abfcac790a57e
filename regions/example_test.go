package regions_test

import (
	"errors"
	"fmt"

	"github.com/timrest/timrest/regions"
)

func Example() {
	fmt.Println(regions.Singapore.BaseURL())

	r, err := regions.Lookup("sgp")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name(), r.BaseURL(), r.BackupBaseURL())
	// Output:
	// https://adminapisgp.im.qcloud.com
	// Singapore https://adminapisgp.im.qcloud.com https://adminapisgp.my-imcloud.com
}

func ExampleLookup() {
	for _, name := range []string{"sgp", "Silicon Valley", "india", "mars"} {
		r, err := regions.Lookup(name)
		if errors.Is(err, regions.ErrUnknownRegion) {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s -> %s (%s)\n", name, r.Code(), r.Host())
	}
	// Output:
	// sgp -> sgp (adminapisgp.im.qcloud.com)
	// Silicon Valley -> usa (adminapiusa.im.qcloud.com)
	// india -> ind (adminapiind.im.qcloud.com)
	// regions: unknown region "mars" (valid codes: cn, sgp, kr, jpn, ger, ind, usa, idn)
}

func ExampleAll() {
	for _, r := range regions.All() {
		fmt.Printf("%-4s %-15s %s\n", r.Code(), r.Name(), r.BaseURL())
	}
	// Output:
	// cn   China           https://console.tim.qq.com
	// sgp  Singapore       https://adminapisgp.im.qcloud.com
	// kr   Seoul           https://adminapikr.im.qcloud.com
	// jpn  Tokyo           https://adminapijpn.im.qcloud.com
	// ger  Frankfurt       https://adminapiger.im.qcloud.com
	// ind  Mumbai (India)  https://adminapiind.im.qcloud.com
	// usa  Silicon Valley  https://adminapiusa.im.qcloud.com
	// idn  Jakarta         https://adminapiidn.im.qcloud.com
}
