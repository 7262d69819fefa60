# Hover over the path below (or use the CodeLens above it) to preview the dataset without leaving the editor.
import pandas as pd

iris = pd.read_csv("data/iris.csv")
print(iris.describe())
