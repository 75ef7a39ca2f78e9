package sagemaker

import (
	"fmt"
	"sort"
	"strings"
)

// Registry accounts of SageMaker's own images, per region, as AWS
// publishes them ("Docker Registry Paths and Example Code").
var (
	// xgboost and scikit-learn images.
	frameworkAccounts = map[string]string{
		"us-east-1": "683313688378", "us-east-2": "257758044811", "us-west-1": "746614075791", "us-west-2": "246618743249",
		"ca-central-1": "341280168497", "sa-east-1": "737474898029", "eu-west-1": "141502667606", "eu-west-2": "764974769150",
		"eu-west-3": "659782779980", "eu-central-1": "492215442770", "eu-north-1": "662702820516", "ap-south-1": "720646828776",
		"ap-southeast-1": "121021644041", "ap-southeast-2": "783357654285", "ap-northeast-1": "354813040037", "ap-northeast-2": "366743142698",
	}
	// First-party algorithms: linear-learner, kmeans.
	builtinAccounts = map[string]string{
		"us-east-1": "382416733822", "us-east-2": "404615174143", "us-west-1": "632365934929", "us-west-2": "174872318107",
		"ca-central-1": "469771592824", "sa-east-1": "855470959533", "eu-west-1": "438346466558", "eu-west-2": "644912444149",
		"eu-west-3": "749696950732", "eu-central-1": "664544806723", "eu-north-1": "669576153137", "ap-south-1": "991648021394",
		"ap-southeast-1": "475088953585", "ap-southeast-2": "712309505854", "ap-northeast-1": "351501993468", "ap-northeast-2": "835164637446",
	}
	// The first XGBoost image, version "1" (repository xgboost), which
	// the SageMaker SDK's "latest" names (image_uri_config/xgboost.json).
	legacyXGBoostAccounts = map[string]string{
		"us-east-1": "811284229777", "us-east-2": "825641698319", "us-west-1": "632365934929", "us-west-2": "433757028032",
		"ca-central-1": "469771592824", "sa-east-1": "855470959533", "eu-west-1": "685385470294", "eu-west-2": "644912444149",
		"eu-west-3": "749696950732", "eu-central-1": "813361260812", "eu-north-1": "669576153137", "ap-south-1": "991648021394",
		"ap-southeast-1": "475088953585", "ap-southeast-2": "544295431143", "ap-northeast-1": "501404015308", "ap-northeast-2": "306986355934",
	}
	// Deep Learning Containers: pytorch, tensorflow.
	dlcAccounts = map[string]string{
		"us-east-1": "763104351884", "us-east-2": "763104351884", "us-west-1": "763104351884", "us-west-2": "763104351884",
		"ca-central-1": "763104351884", "sa-east-1": "763104351884", "eu-west-1": "763104351884", "eu-west-2": "763104351884",
		"eu-west-3": "763104351884", "eu-central-1": "763104351884", "eu-north-1": "763104351884", "ap-south-1": "763104351884",
		"ap-southeast-1": "763104351884", "ap-southeast-2": "763104351884", "ap-northeast-1": "763104351884", "ap-northeast-2": "763104351884",
	}
)

// algorithm describes one image family: its repository, tags by version
// and the accounts that host it.
type algorithm struct {
	repo     string
	accounts map[string]string
	versions map[string]string // version → tag
	// aliases name versions, as the SageMaker SDK's version_aliases do
	// ("latest"); an algorithm of one version takes "latest" as it.
	aliases map[string]string
	// legacy are versions kept in another repository and accounts.
	legacy map[string]legacyImage
}

type legacyImage struct {
	repo     string
	accounts map[string]string
}

// resolve returns the version a given version or alias names, and
// whether there is one.
func (a algorithm) resolve(version string) (string, bool) {
	if _, ok := a.versions[version]; ok {
		return version, true
	}
	if v, ok := a.aliases[version]; ok {
		return v, true
	}
	if version == "latest" && len(a.versions) == 1 {
		for v := range a.versions {
			return v, true
		}
	}
	return "", false
}

// image returns the repository and accounts of a (resolved) version.
func (a algorithm) image(version string) (string, map[string]string) {
	if l, ok := a.legacy[version]; ok {
		return l.repo, l.accounts
	}
	return a.repo, a.accounts
}

var algorithms = map[string]algorithm{
	"xgboost": {repo: "sagemaker-xgboost", accounts: frameworkAccounts, versions: map[string]string{
		"0.90-1": "0.90-1-cpu-py3", "0.90-2": "0.90-2-cpu-py3", "1.0-1": "1.0-1-cpu-py3", "1.2-1": "1.2-1", "1.2-2": "1.2-2",
		"1.3-1": "1.3-1", "1.5-1": "1.5-1", "1.7-1": "1.7-1", "1": "1"},
		aliases: map[string]string{"latest": "1"},
		legacy:  map[string]legacyImage{"1": {repo: "xgboost", accounts: legacyXGBoostAccounts}}},
	"sklearn": {repo: "sagemaker-scikit-learn", accounts: frameworkAccounts, versions: map[string]string{
		"0.23-1": "0.23-1-cpu-py3", "1.0-1": "1.0-1-cpu-py3", "1.2-1": "1.2-1-cpu-py3"}},
	"linear-learner":         {repo: "linear-learner", accounts: builtinAccounts, versions: map[string]string{"1": "1"}},
	"kmeans":                 {repo: "kmeans", accounts: builtinAccounts, versions: map[string]string{"1": "1"}},
	"pca":                    {repo: "pca", accounts: builtinAccounts, versions: map[string]string{"1": "1"}},
	"factorization-machines": {repo: "factorization-machines", accounts: builtinAccounts, versions: map[string]string{"1": "1"}},
	"randomcutforest":        {repo: "randomcutforest", accounts: builtinAccounts, versions: map[string]string{"1": "1"}},
	"pytorch": {repo: "pytorch-training", accounts: dlcAccounts, versions: map[string]string{
		"1.13.1": "1.13.1-cpu-py39", "2.0.1": "2.0.1-cpu-py310", "2.1.0": "2.1.0-cpu-py310", "2.2.0": "2.2.0-cpu-py310"}},
	"tensorflow": {repo: "tensorflow-training", accounts: dlcAccounts, versions: map[string]string{
		"2.12.0": "2.12.0-cpu-py310", "2.13.0": "2.13.0-cpu-py310", "2.14.1": "2.14.1-cpu-py310"}},
}

func algorithmNames() []string {
	out := make([]string, 0, len(algorithms))
	for n := range algorithms {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (a algorithm) versionList() []string {
	out := make([]string, 0, len(a.versions))
	for v := range a.versions {
		out = append(out, v)
	}
	sort.Strings(out)
	for alias, v := range a.aliases {
		out = append(out, alias+" (= "+v+")")
	}
	if len(a.versions) == 1 {
		out = append(out, "latest (= "+out[0]+")")
	}
	return out
}

func (a algorithm) regions(version string) []string {
	_, accounts := a.image(version)
	out := make([]string, 0, len(accounts))
	for r := range accounts {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// imageURI is the image of an algorithm version in a region.
func imageURI(name, version, region string) (string, error) {
	a, ok := algorithms[name]
	if !ok {
		return "", fmt.Errorf("unknown algorithm %q; known: %s", name, strings.Join(algorithmNames(), ", "))
	}
	v, ok := a.resolve(version)
	if !ok {
		return "", fmt.Errorf("%s has no image for version %q; versions: %s", name, version, strings.Join(a.versionList(), ", "))
	}
	repo, accounts := a.image(v)
	acct, ok := accounts[region]
	if !ok {
		return "", fmt.Errorf("%s %s has no image in region %s; regions: %s", name, version, region, strings.Join(a.regions(v), ", "))
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s:%s", acct, region, repo, a.versions[v]), nil
}
