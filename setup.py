"""Package metadata comes from settings.ini (nbdev 2 style): edit that file, not this one."""
from configparser import ConfigParser
from pathlib import Path

import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=["="])
cfg.read("settings.ini", encoding="utf-8")
cfg = cfg["DEFAULT"]

licenses = {"apache2": ("Apache-2.0", "License :: OSI Approved :: Apache Software License")}
statuses = ["1 - Planning", "2 - Pre-Alpha", "3 - Alpha", "4 - Beta", "5 - Production/Stable", "6 - Mature", "7 - Inactive"]
lic = licenses[cfg["license"]]
py_versions = [f"3.{m}" for m in range(int(cfg["min_python"].split(".")[1]), int(cfg["max_python"].split(".")[1]) + 1)]

requirements = cfg.get("requirements", "").split()
dev_requirements = cfg.get("dev_requirements", "").split()
scripts = [s for s in cfg.get("console_scripts", "").split() if s]


class build_py_with_book(build_py):
    "Also ship the notebooks and the book's configuration, so `lossplateau book/report` work from a wheel."
    def run(self):
        super().run()
        for folder, patterns in (("nbs", ["*.ipynb"]), ("book", ["*.yml", "*.md"])):
            dest = Path(self.build_lib) / cfg["lib_path"] / "_resources" / folder
            dest.mkdir(parents=True, exist_ok=True)
            for pattern in patterns:
                for f in sorted(Path(folder).glob(pattern)):
                    self.copy_file(str(f), str(dest / f.name))


with open("README.md", encoding="utf-8") as f:
    long_description = f.read()

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=long_description,
    long_description_content_type="text/markdown",
    keywords=cfg["keywords"].split(),
    author=cfg["author"],
    author_email=cfg["author_email"],
    license=lic[0],
    url=cfg["git_url"],
    project_urls={"Source": cfg["git_url"], "Documentation": cfg["doc_host"] + cfg["doc_baseurl"]},
    classifiers=[
        "Development Status :: " + statuses[int(cfg["status"]) - 1],
        "Intended Audience :: " + cfg["audience"],
        lic[1],
        "Natural Language :: " + cfg["language"],
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ] + [f"Programming Language :: Python :: {v}" for v in py_versions],
    packages=setuptools.find_packages(include=[cfg["lib_path"], cfg["lib_path"] + ".*"]),
    include_package_data=True,
    package_data={cfg["lib_path"]: ["corpora/*", "*.yml"]},
    install_requires=requirements,
    extras_require={"dev": dev_requirements},
    python_requires=f">={cfg['min_python']},<3.{int(cfg['max_python'].split('.')[1]) + 1}",
    entry_points={"console_scripts": scripts, "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
    cmdclass={"build_py": build_py_with_book},
)
